package io.raidvm.controller.vm;

import io.raidvm.common.Ranges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The guest's serial console, as QEMU appends it to a file. */
public final class ConsoleLog {

  private static final int MAX_BYTES = 64 * 1024;
  /** How many lines a reader gets when it does not say. */
  public static final int DEFAULT_LINES = 50;
  /** The most lines a reader may ask for. */
  public static final int MAX_LINES = 10_000;

  private ConsoleLog() {}

  /** The last {@code lines} lines, or a note saying there are none. */
  static String tail(Path log, int lines) {
    if (!Files.isReadable(log)) {
      return "(no console output: " + log + " cannot be read)";
    }
    String text = last(log, lines).text();
    return text.isEmpty() ? "(the guest printed nothing on its console)" : text.stripTrailing();
  }

  /** A reader's line count: 0 means {@link #DEFAULT_LINES}; at most {@link #MAX_LINES}. */
  public static long lines(long requested) {
    return Ranges.orDefault("console lines", requested, DEFAULT_LINES, 1, MAX_LINES, "");
  }

  /** Where a reader of the console is: the next byte it has not seen. */
  public record Position(long offset) {}

  /**
   * The console from {@code lines} lines before its end (within its last 64 KiB), and the
   * position after it.
   */
  public static Text last(Path log, int lines) {
    byte[] bytes = readFrom(log, 0);
    int from = Math.max(0, bytes.length - MAX_BYTES);
    String text = clean(new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8));
    List<String> all = text.lines().toList();
    String tail = all.isEmpty() ? "" : String.join("\n",
        all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
    return new Text(tail, new Position(bytes.length));
  }

  /** What the guest printed since {@code from} (complete lines only), and the new position. */
  public static Text since(Path log, Position from) {
    byte[] bytes = readFrom(log, from.offset());
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    String text = clean(new String(bytes, 0, end, StandardCharsets.UTF_8));
    return new Text(text, new Position(from.offset() + end));
  }

  /** A piece of the console and where it ends. */
  public record Text(String text, Position next) {}

  private static byte[] readFrom(Path log, long offset) {
    try (var in = Files.newInputStream(log)) {
      in.skipNBytes(Math.min(offset, Files.size(log)));
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static String clean(String text) {
    return text.replace("\r", "");
  }
}
