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

  /**
   * The text after an edit, and the entries the new one took the place of that said something
   * else (stripped, e.g. an older line for the same array).
   */
  record Edit(String text, List<String> replaced) {}

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
  static Edit replaceOrAppend(String text, boolean continuations, Predicate<String> matches,
      String replacement) {
    String block = replacement.endsWith("\n") ? replacement : replacement + "\n";
    StringBuilder out = new StringBuilder(text.length() + block.length());
    List<String> replaced = new ArrayList<>();
    boolean placed = false;
    for (String entry : split(text, continuations)) {
      if (!matches.test(entry)) {
        out.append(entry);
        continue;
      }
      if (!entry.strip().equals(replacement.strip())) {
        replaced.add(entry.strip());
      }
      if (!placed) {
        out.append(block);
        placed = true;
      }
    }
    if (!placed) {
      if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
        out.append('\n');
      }
      out.append(block);
    }
    return new Edit(out.toString(), List.copyOf(replaced));
  }

  /**
   * Drops every entry that {@code matches}; every other entry stays byte for byte. The dropped
   * ones are the edit's replaced entries.
   */
  static Edit remove(String text, boolean continuations, Predicate<String> matches) {
    StringBuilder out = new StringBuilder(text.length());
    List<String> removed = new ArrayList<>();
    for (String entry : split(text, continuations)) {
      if (matches.test(entry)) {
        removed.add(entry.strip());
      } else {
        out.append(entry);
      }
    }
    return new Edit(out.toString(), List.copyOf(removed));
  }
}
