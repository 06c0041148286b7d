package io.raidvm.controller.vm;

import io.raidvm.common.Ranges;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * The guest's serial console, as QEMU appends it to a file (opened with O_APPEND, so that each
 * write lands at the file's end, wherever that is now). Readers read its tail, never the whole
 * file; the controller rotates it: above a size limit the file is copied to
 * {@code console.log.1} and truncated, and QEMU goes on writing at its new end.
 */
public final class ConsoleLog {

  /** Above this the controller rotates the log. */
  public static final long ROTATE_AT_BYTES = 8L << 20;
  /** The most a reader reads from a log's end, or a follower in one step. */
  public static final int TAIL_WINDOW_BYTES = 1 << 20;
  /** How many lines a reader gets when it does not say. */
  public static final int DEFAULT_LINES = 50;
  /** The most lines a reader may ask for. */
  public static final int MAX_LINES = 10_000;
  private static final int BLOCK = 16 * 1024;

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

  /** A piece of the console and where it ends. */
  public record Text(String text, Position next) {}

  /**
   * The console from {@code lines} lines before its end (within its last
   * {@link #TAIL_WINDOW_BYTES}; lines missing from a log rotated a moment ago come from the
   * rotated file), and the position after it.
   */
  public static Text last(Path log, int lines) {
    Tail current = Tail.of(log, lines, TAIL_WINDOW_BYTES);
    byte[] bytes = current.bytes();
    int missing = lines - current.lineCount();
    if (missing > 0 && bytes.length < TAIL_WINDOW_BYTES) {
      byte[] before = Tail.of(rotated(log), missing, TAIL_WINDOW_BYTES - bytes.length).bytes();
      byte[] joined = Arrays.copyOf(before, before.length + bytes.length);
      System.arraycopy(bytes, 0, joined, before.length, bytes.length);
      bytes = joined;
    }
    List<String> all = clean(new String(bytes, StandardCharsets.UTF_8)).lines().toList();
    String text = all.isEmpty() ? "" : String.join("\n",
        all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
    return new Text(text, new Position(current.end()));
  }

  /**
   * What the guest printed since {@code from} (complete lines only, at most
   * {@link #TAIL_WINDOW_BYTES} at a time), and the new position. A log shorter than
   * {@code from} was rotated: it is read from its start.
   */
  public static Text since(Path log, Position from) {
    try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
      long size = ch.size();
      long start = from.offset() > size ? 0 : from.offset();
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - start, TAIL_WINDOW_BYTES));
      while (buf.hasRemaining() && ch.read(buf, start + buf.position()) > 0) {
        // read on
      }
      byte[] bytes = Arrays.copyOf(buf.array(), buf.position());
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--;
      }
      if (end == 0 && bytes.length == TAIL_WINDOW_BYTES) {
        end = bytes.length;
      }
      String text = clean(new String(bytes, 0, end, StandardCharsets.UTF_8));
      return new Text(text, new Position(start + end));
    } catch (IOException e) {
      return new Text("", from);
    }
  }

  /**
   * Rotates the log when it is larger than {@code limit}: copies it to {@code console.log.1}
   * (replacing the one before) and truncates it. What the guest prints between the copy and the
   * truncation is lost. Returns whether it rotated.
   */
  public static boolean rotate(Path log, long limit) {
    try {
      if (!Files.isRegularFile(log) || Files.size(log) <= limit) {
        return false;
      }
      Path aside = rotated(log);
      Path partial = aside.resolveSibling(aside.getFileName() + ".partial");
      Files.copy(log, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.move(partial, aside, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
        ch.truncate(0);
      }
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw RaidvmException.internal("cannot rotate " + log + ": " + e.getMessage(), e);
    }
  }

  /** Where {@link #rotate} puts the log's earlier part. */
  static Path rotated(Path log) {
    return log.resolveSibling(log.getFileName() + ".1");
  }

  /** The end of a file read backwards: up to {@code lines} lines within {@code maxBytes}. */
  private record Tail(byte[] bytes, int lineCount, long end) {

    static Tail of(Path file, int lines, int maxBytes) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        long end = ch.size();
        long start = end;
        int newlines = 0;
        byte[] got = new byte[0];
        // Past lines + 1 line breaks, the lines wanted are all there (and whole).
        while (start > 0 && end - start < maxBytes && newlines <= lines) {
          int n = (int) Math.min(Math.min(BLOCK, start), maxBytes - (end - start));
          long at = start - n;
          ByteBuffer buf = ByteBuffer.allocate(n);
          while (buf.hasRemaining() && ch.read(buf, at + buf.position()) > 0) {
            // read on
          }
          byte[] joined = Arrays.copyOf(buf.array(), n + got.length);
          System.arraycopy(got, 0, joined, n, got.length);
          for (int i = 0; i < n; i++) {
            newlines += joined[i] == '\n' ? 1 : 0;
          }
          got = joined;
          start = at;
        }
        long whole = new String(got, StandardCharsets.UTF_8).lines().count()
            - (start > 0 ? 1 : 0);
        return new Tail(got, (int) Math.max(0, Math.min(whole, lines)), end);
      } catch (IOException e) {
        return new Tail(new byte[0], 0, 0);
      }
    }
  }

  private static String clean(String text) {
    return text.replace("\r", "");
  }
}
