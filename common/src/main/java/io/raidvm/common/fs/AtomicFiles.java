package io.raidvm.common.fs;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writes files so that a reader sees the old content or the new one, never a torn mix. */
public final class AtomicFiles {

  private AtomicFiles() {}

  /** Writes to a temporary file beside the target, fsyncs it, renames it over, fsyncs the folder. */
  public static void write(Path target, byte[] content) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      renameAndSync(tmp, target);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw RaidvmException.internal("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  public static void write(Path target, String content) {
    write(target, content.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Gives a file that another program made completely ({@code complete}, beside the target) its
   * name: fsyncs it, renames it over {@code target}, fsyncs the folder. On failure it removes
   * {@code complete}.
   */
  public static void publish(Path complete, Path target) {
    try {
      try (FileChannel ch = FileChannel.open(complete, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      renameAndSync(complete, target);
    } catch (IOException e) {
      deleteQuietly(complete);
      throw RaidvmException.internal("cannot rename " + complete + " to " + target + ": "
          + e.getMessage(), e);
    }
  }

  /** Removes a file of a write that failed; that failure is the error to report. */
  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // The write already failed.
    }
  }

  private static void renameAndSync(Path from, Path target) throws IOException {
    try {
      Files.move(from, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, target, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(target.toAbsolutePath().getParent());
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
