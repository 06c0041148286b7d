package io.raidvm.common.grpc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QuietEventLoopsTest {

  private static final long IDLE_MILLIS = 3_500;

  @Test
  void aQuietLoopWithNothingToDo_sleepsThrough() throws Exception {
    EventLoopGroup group = QuietEventLoops.of(new EpollEventLoopGroup(1));
    try {
      long wakeUps = wakeUpsWhileIdle(group);

      assertTrue(wakeUps <= 1, "the idle loop woke " + wakeUps + " times in " + IDLE_MILLIS
          + " ms");
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** Why the quiet loops exist: should Netty stop waking idle loops, this fails. */
  @Test
  void aPlainLoopWithNothingToDo_wakesEverySecond() throws Exception {
    EventLoopGroup group = new EpollEventLoopGroup(1);
    try {
      long wakeUps = wakeUpsWhileIdle(group);

      assertTrue(wakeUps >= 2, "the idle loop woke " + wakeUps + " times in " + IDLE_MILLIS
          + " ms");
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** How often the loop's thread went to sleep and was woken while nothing was asked of it. */
  private static long wakeUpsWhileIdle(EventLoopGroup group) throws Exception {
    Path thread = group.next().submit(() -> Files.readSymbolicLink(Path.of("/proc/thread-self")))
        .get();
    Path status = Path.of("/proc").resolve(thread).resolve("status");
    Thread.sleep(200); // the loop back in epoll after the task above
    long before = voluntarySwitches(status);
    Thread.sleep(IDLE_MILLIS);
    return voluntarySwitches(status) - before;
  }

  private static long voluntarySwitches(Path status) throws Exception {
    return Files.readAllLines(status).stream()
        .filter(line -> line.startsWith("voluntary_ctxt_switches:"))
        .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).strip()))
        .findFirst().orElseThrow();
  }
}
