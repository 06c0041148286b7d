package io.raidvm.agent.md;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The "Key : value" lines of mdadm's human output ({@code --detail}, {@code --examine}). */
final class MdadmText {

  private static final Pattern FIELD = Pattern.compile("\\s*([A-Z][A-Za-z /-]*?)\\s*: (.*)");

  private MdadmText() {}

  /** Every field up to {@code stopAt} (a line starting with it, stripped), by key; first wins. */
  static Map<String, String> fields(String text, String stopAt) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (!stopAt.isEmpty() && line.strip().startsWith(stopAt)) {
        break;
      }
      Matcher m = FIELD.matcher(line);
      if (m.matches()) {
        fields.putIfAbsent(m.group(1), m.group(2).strip());
      }
    }
    return fields;
  }

  /** The leading number of a value such as "188416 (184.00 MiB 192.94 MB)"; 0 when none. */
  static long leadingNumber(String value) {
    Matcher m = Pattern.compile("^(\\d+)").matcher(value == null ? "" : value);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /** "raidvm:127  (local to host raidvm)" → "raidvm:127"; "" for none. */
  static String firstWord(String value) {
    return value == null || value.isBlank() ? "" : value.strip().split("\\s+")[0];
  }
}
