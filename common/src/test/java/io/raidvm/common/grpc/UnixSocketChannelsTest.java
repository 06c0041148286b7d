package io.raidvm.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketChannelsTest {

  @TempDir
  Path dir;

  private static ServingStatus health(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }

  private static Set<Thread> eventLoops() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("grpc-unix-client")).collect(Collectors.toSet());
  }

  @Test
  void stopEventLoops_endsTheirThreads_andAChannelOpenedAfterMakesNewOnes() throws Exception {
    Path socket = dir.resolve("s.sock");
    UnixSocketServer server = new UnixSocketServer(socket, List.of(), Duration.ofSeconds(10))
        .start();
    try {
      ManagedChannel channel = UnixSocketChannels.open(socket, Duration.ZERO);
      assertEquals(ServingStatus.SERVING, health(channel));
      Set<Thread> loops = eventLoops();
      assertFalse(loops.isEmpty(), "the call ran on no event loop of this class");
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

      UnixSocketChannels.stopEventLoops(Duration.ofSeconds(5));
      for (Thread loop : loops) {
        loop.join(5_000);
        assertFalse(loop.isAlive(), loop + " still runs");
      }

      ManagedChannel again = UnixSocketChannels.open(socket, Duration.ZERO);
      try {
        assertEquals(ServingStatus.SERVING, health(again));
      } finally {
        again.shutdownNow();
      }
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }
}
