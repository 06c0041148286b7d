package io.raidvm.common.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLocksTest {

  @TempDir
  Path dir;

  @Test
  void locked_holdsAFileLockOnTheSiblingLockFile_andReleasesItAfterwards() throws Exception {
    Path file = dir.resolve("fstab");
    Path lockFile = dir.resolve(".fstab.raidvm-lock");

    FileLocks.locked(file, () -> {
      try (FileChannel other = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
        assertThrows(OverlappingFileLockException.class, other::tryLock);
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
      return null;
    });

    assertEquals("rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(lockFile)));
    try (FileChannel other = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        FileLock lock = other.tryLock()) {
      assertTrue(lock != null);
    }
  }

  @Test
  void locked_throughASymlink_isTheLockOfItsTarget_soTwoThreadsTakeTurns() throws Exception {
    Path target = Files.writeString(dir.resolve("fstab.real"), "");
    Path link = Files.createSymbolicLink(dir.resolve("fstab"), target.getFileName());
    CountDownLatch firstInside = new CountDownLatch(1);
    List<String> order = Collections.synchronizedList(new ArrayList<>());

    Thread first = new Thread(() -> FileLocks.locked(target, () -> {
      firstInside.countDown();
      sleep(200);
      order.add("first done");
      return null;
    }));
    first.start();
    assertTrue(firstInside.await(5, TimeUnit.SECONDS));
    FileLocks.locked(link, () -> order.add("second"));
    first.join();

    assertEquals(List.of("first done", "second"), order);
    assertTrue(Files.exists(dir.resolve(".fstab.real.raidvm-lock")));
  }

  @Test
  void locked_isReentrantForTheThreadThatHoldsIt() {
    Path file = dir.resolve("fstab");

    String inner = FileLocks.locked(file, () -> FileLocks.locked(file, () -> "inner"));

    assertEquals("inner", inner);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
