package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.function.Executable;

/** What the end-to-end tests check again and again. */
final class Checks {

  private Checks() {}

  /** The call fails with {@code code} and a description that says why. */
  static StatusRuntimeException assertCode(Status.Code code, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    String why = e.getStatus().getDescription();
    assertFalse(why == null || why.isBlank(), "the error says why");
    return e;
  }

  /** Tries {@code attempt} every half second until it returns or {@code limit} passes. */
  static <T> T eventually(Duration limit, Supplier<T> attempt) {
    long deadline = System.nanoTime() + limit.toNanos();
    RuntimeException last;
    do {
      try {
        return attempt.get();
      } catch (RuntimeException e) {
        last = e;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    } while (System.nanoTime() < deadline);
    throw last;
  }

  /**
   * Whether a process runs. A zombie does not: a QEMU whose controller has ended is an orphan,
   * and where PID 1 does not reap orphans (as in some containers) an exited one lingers as one.
   */
  static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
