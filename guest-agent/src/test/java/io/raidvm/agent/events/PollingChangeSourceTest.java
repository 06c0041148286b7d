package io.raidvm.agent.events;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * poll(2) through JNA on this host (which has no md): ordinary files never signal POLLPRI, so
 * they show that nothing wakes the wait but its timeout or a wake-up.
 */
class PollingChangeSourceTest {

  @TempDir
  Path dir;

  @Test
  void unchangingFiles_wakeNothing_untilTheTimeout() throws Exception {
    Path file = Files.writeString(dir.resolve("array_state"), "clean\n");
    try (PollingChangeSource source = new PollingChangeSource()) {
      source.watch(Set.of(file, dir.resolve("missing")));

      long start = System.nanoTime();
      source.await(Optional.of(Duration.ofMillis(300)));

      assertTrue(System.nanoTime() - start >= 290_000_000L);
    }
  }

  @Test
  void wakeUp_endsAnEndlessWait() {
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      try (PollingChangeSource source = new PollingChangeSource()) {
        source.watch(Set.of());
        Thread waker = new Thread(() -> {
          sleep(200);
          source.wakeUp();
        });
        waker.start();

        source.await(Optional.empty());
        waker.join();
      }
    });
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
