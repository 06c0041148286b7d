package io.raidvm.common;

import java.util.HashMap;
import java.util.Map;

/**
 * The fields of {@code /etc/os-release} (os-release(5)) that raidvm reads: the guest agent reports
 * the guest's, the image builder asks the host's release name (its apt mirror serves that suite).
 */
public record OsRelease(String prettyName, String id, String versionId, String versionCodename) {

  public static final OsRelease UNKNOWN = new OsRelease("", "", "", "");

  /**
   * Parses os-release text: {@code KEY=value} lines, values optionally in double or single quotes
   * with backslash escapes, {@code #} comments and blank lines ignored. Missing keys are empty.
   */
  public static OsRelease parse(String text) {
    Map<String, String> values = new HashMap<>();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      int eq = trimmed.indexOf('=');
      if (trimmed.isEmpty() || trimmed.startsWith("#") || eq <= 0) {
        continue;
      }
      values.put(trimmed.substring(0, eq), unquote(trimmed.substring(eq + 1)));
    }
    return new OsRelease(values.getOrDefault("PRETTY_NAME", ""), values.getOrDefault("ID", ""),
        values.getOrDefault("VERSION_ID", ""),
        values.getOrDefault("VERSION_CODENAME", ""));
  }

  private static String unquote(String raw) {
    if (raw.length() >= 2 && (raw.charAt(0) == '"' || raw.charAt(0) == '\'')
        && raw.charAt(raw.length() - 1) == raw.charAt(0)) {
      raw = raw.substring(1, raw.length() - 1);
    }
    StringBuilder value = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length()) {
        c = raw.charAt(++i);
      }
      value.append(c);
    }
    return value.toString();
  }
}
