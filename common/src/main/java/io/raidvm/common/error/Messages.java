package io.raidvm.common.error;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Error text that people can read: no terminal escape sequences or control characters, a bounded
 * length, and of a tool's output only its last lines. Applied where statuses are made and again
 * where raidctl prints them.
 */
public final class Messages {

  /** The longest message a client gets, in characters (about 2 KiB). */
  public static final int MAX_CHARS = 2048;
  /** How many of a tool's last stderr lines an error quotes. */
  public static final int TOOL_LINES = 10;

  /**
   * CSI (ESC [ … final byte, or its one-byte form), OSC (ESC ] … BEL or ESC \), character set
   * selection (ESC ( B) and the other two-byte ESC sequences.
   */
  private static final Pattern ESCAPES = Pattern.compile(
      "\u001B\\[[0-?]*[ -/]*[@-~]"
          + "|\u001B\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)?"
          + "|\u009B[0-?]*[ -/]*[@-~]"
          + "|\u001B[()*+][0-9A-Za-z]"
          + "|\u001B[ -~]?");
  /** C0 and C1 controls and DEL, except the line feed; a tab becomes a space. */
  private static final Pattern CONTROLS = Pattern.compile("[\\x00-\\x08\\x0B-\\x1F\\x7F-\\x9F]");

  private Messages() {}

  /**
   * The text without escape sequences and control characters (carriage returns dropped, tabs
   * as spaces, line feeds kept), trailing blanks of each line removed, and at most
   * {@link #MAX_CHARS} long: a longer one keeps its start and its end around a marker.
   */
  public static String readable(String text) {
    if (text == null) {
      return "";
    }
    String clean = ESCAPES.matcher(text).replaceAll("").replace("\t", " ").replace("\r\n", "\n")
        .replace('\r', '\n');
    clean = CONTROLS.matcher(clean).replaceAll("");
    clean = String.join("\n", clean.lines().map(String::stripTrailing).toList()).strip();
    if (clean.length() <= MAX_CHARS) {
      return clean;
    }
    String marker = " […] ";
    int keep = MAX_CHARS - marker.length();
    int head = keep / 2;
    return clean.substring(0, head) + marker + clean.substring(clean.length() - (keep - head));
  }

  /** The last {@code count} non-blank lines of a tool's output, readable, joined by newlines. */
  public static String lastLines(String output, int count) {
    if (output == null) {
      return "";
    }
    List<String> lines = readable(output).lines().filter(l -> !l.isBlank()).toList();
    List<String> last = lines.subList(Math.max(0, lines.size() - count), lines.size());
    String text = String.join("\n", last);
    return lines.size() > count ? "[…]\n" + text : text;
  }
}
