package io.raidvm.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.raidvm.common.error.RaidvmException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketServerTest {

  private static final Duration GRACE = Duration.ofSeconds(1);

  @TempDir
  Path dir;

  private UnixSocketServer server(Path socket) {
    return new UnixSocketServer(socket, List.of(), Duration.ofSeconds(10));
  }

  private static ServingStatus health(Path socket) {
    ManagedChannel channel = UnixSocketChannels.open(socket, Duration.ZERO);
    try {
      return HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance())
          .getStatus();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void start_overAStaleSocketFile_replacesItAndServes() throws Exception {
    Path socket = dir.resolve("s.sock");
    try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      gone.bind(UnixDomainSocketAddress.of(socket));
    }
    assertTrue(Files.exists(socket));
    assertFalse(UnixSocketChannels.answers(socket));

    UnixSocketServer server = server(socket).start();
    try {
      assertEquals(ServingStatus.SERVING, health(socket));
    } finally {
      server.stop(GRACE);
    }
    assertFalse(Files.exists(socket), "its own socket is removed on stop");
  }

  @Test
  void start_whereAnotherServerAnswers_refusesAndLeavesThatServerServing() throws Exception {
    Path socket = dir.resolve("s.sock");
    UnixSocketServer first = server(socket).start();
    UnixSocketServer second = server(socket);
    try {
      var e = assertThrows(RaidvmException.class, second::start);
      assertEquals(RaidvmException.Kind.ALREADY_EXISTS, e.kind());
      assertEquals("another server answers on " + socket, e.getMessage());
      second.stop(GRACE);
      assertEquals(ServingStatus.SERVING, health(socket), "the first server still answers");
    } finally {
      first.stop(GRACE);
    }
  }
}
