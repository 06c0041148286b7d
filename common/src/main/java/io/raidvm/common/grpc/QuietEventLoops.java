package io.raidvm.common.grpc;

import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * Event loops that sleep until there is work. Netty 4.2's epoll loop, when no task is scheduled
 * on it, wakes once a second (its interval for purging cancelled tasks) even with no channel
 * and nothing to do. In a guest under software emulation every wake-up costs the emulated CPU:
 * an idle agent's boss loop alone spent more time waking than the whole idle target allows. A
 * no-op task scheduled once a day on each loop gives it a deadline a day away instead, so an
 * idle loop sleeps in epoll until a channel needs it or the day is over.
 */
final class QuietEventLoops {

  private QuietEventLoops() {}

  /** Schedules the daily no-op on every loop of {@code group} (which starts their threads). */
  static <G extends EventLoopGroup> G of(G group) {
    group.forEach(loop -> loop.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.DAYS));
    return group;
  }
}
