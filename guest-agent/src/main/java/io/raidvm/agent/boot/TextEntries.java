package io.raidvm.agent.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A configuration file as entries: each entry is a line with its line end, plus the continuation
 * lines that follow it (lines starting with a space or tab) when the format has them. Joining
 * the entries gives the text back byte for byte.
 */
final class TextEntries {

  private TextEntries() {}

  static List<String> split(String text, boolean continuations) {
    List<String> entries = new ArrayList<>();
    for (String line : text.split("(?<=\n)")) {
      if (line.isEmpty()) {
        continue;
      }
      boolean continues = continuations && !entries.isEmpty()
          && (line.startsWith(" ") || line.startsWith("\t"));
      if (continues) {
        entries.set(entries.size() - 1, entries.get(entries.size() - 1) + line);
      } else {
        entries.add(line);
      }
    }
    return entries;
  }

  /**
   * Puts {@code replacement} (one or more lines, no final line end needed) in place of the first
   * entry that {@code matches} and drops the other matching ones; appends it when none matches.
   * Every other entry stays as it was; a last line without a line end gets one only when
   * something is appended after it.
   */
  static String replaceOrAppend(String text, boolean continuations, Predicate<String> matches,
      String replacement) {
    String block = replacement.endsWith("\n") ? replacement : replacement + "\n";
    StringBuilder out = new StringBuilder(text.length() + block.length());
    boolean replaced = false;
    for (String entry : split(text, continuations)) {
      if (!matches.test(entry)) {
        out.append(entry);
      } else if (!replaced) {
        out.append(block);
        replaced = true;
      }
    }
    if (!replaced) {
      if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
        out.append('\n');
      }
      out.append(block);
    }
    return out.toString();
  }
}
