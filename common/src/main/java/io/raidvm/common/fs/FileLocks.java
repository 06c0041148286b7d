package io.raidvm.common.fs;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Takes turns at a file's read-modify-write: one lock per real path (symlinks resolved) within
 * this process, and a {@link FileChannel#lock} on the sibling {@code .<name>.raidvm-lock} (mode
 * 0600, never deleted) against other processes. A thread that already holds a file's lock may
 * take it again.
 */
public final class FileLocks {

  private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private FileLocks() {}

  /** Runs {@code work} while holding the lock of {@code file}. */
  public static <T> T locked(Path file, Supplier<T> work) {
    Path real = AtomicFiles.realTarget(file);
    ReentrantLock lock = LOCKS.computeIfAbsent(real, p -> new ReentrantLock());
    try {
      lock.lockInterruptibly();
    } catch (InterruptedException e) {
      throw RaidvmException.interrupted("waiting for the lock of " + real, e);
    }
    try {
      if (lock.getHoldCount() > 1) {
        return work.get();
      }
      try (FileChannel channel = FileChannel.open(lockFile(real), Set.of(
              StandardOpenOption.CREATE, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          FileLock held = channel.lock()) {
        return work.get();
      } catch (FileLockInterruptionException e) {
        Thread.currentThread().interrupt();
        throw new RaidvmException(RaidvmException.Kind.CANCELLED,
            "interrupted while waiting for the lock of " + real, e);
      } catch (IOException e) {
        throw RaidvmException.internal("cannot lock " + real + ": " + e.getMessage(), e);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The file whose lock stands for {@code real}'s. */
  public static Path lockFile(Path real) {
    return real.resolveSibling("." + real.getFileName() + ".raidvm-lock");
  }
}
