package io.raidvm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.raidvm.agent.audit.AgentAuditLog;
import io.raidvm.agent.testing.RecordingExit;
import io.raidvm.api.agent.v1.BootGrpc;
import io.raidvm.api.agent.v1.BootState;
import io.raidvm.api.agent.v1.GetBootStateRequest;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.RestartAgentRequest;
import io.raidvm.common.grpc.UnixSocketChannels;
import io.raidvm.common.process.FakeCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole server on a real Unix socket; the port device is absent, as before udev makes it. */
class GuestAgentServerTest {

  @TempDir
  Path dir;

  @Test
  void servesTheAgentAndHealth_andGracefulRestartStopsItAndExitsWithZero() throws Exception {
    Path socket = dir.resolve("run/agent.sock");
    FakeCommandRunner runner = new FakeCommandRunner()
        .missing("mdadm").missing("parted").missing("mke2fs");
    RecordingExit exit = new RecordingExit();
    GuestAgentServer server =
        new GuestAgentServer(dir.resolve("no-port"), socket, runner, dir, exit).start();
    ManagedChannel channel = UnixSocketChannels.open(socket, Duration.ZERO);
    try {
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
          .check(HealthCheckRequest.newBuilder().setService("raidvm.agent.v1.GuestAgent").build())
          .getStatus());
      GuestAgentGrpc.GuestAgentBlockingStub agent = GuestAgentGrpc.newBlockingStub(channel);
      assertEquals(3, agent.getInfo(GetInfoRequest.getDefaultInstance()).getToolsCount());

      agent.restartAgent(
          RestartAgentRequest.newBuilder().setMode(RestartAgentRequest.Mode.GRACEFUL).build());

      server.blockUntilShutdown();
      assertEquals(List.of("exit 0"), exit.awaitEvents(1));
      assertEquals(List.of("raidvm.agent.v1.GuestAgent/RestartAgent OK"),
          AgentAuditLog.in(dir).read(0, 0).getEntriesList().stream()
              .map(e -> e.getRpc() + " " + e.getCode()).toList(),
          "the restart is in the agent's audit trail, GetInfo (a read) is not");
      assertFalse(Files.exists(socket));
      assertFalse(Files.exists(dir.resolve("no-port")), "the bridge must not create the device");
    } finally {
      channel.shutdownNow();
      assertTrue(channel.awaitTermination(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void servesBootState_fromTheFilesBelowItsRoot() throws Exception {
    Path socket = dir.resolve("run/agent.sock");
    Files.createDirectories(dir.resolve("proc/sys/kernel"));
    Files.writeString(dir.resolve("proc/stat"), "ctxt 1990473\nbtime 1795611600\n");
    Files.writeString(dir.resolve("proc/sys/kernel/osrelease"), "6.1.0-50-amd64\n");
    GuestAgentServer server = new GuestAgentServer(dir.resolve("no-port"), socket,
        new FakeCommandRunner().missing("mdadm").missing("parted").missing("mke2fs"), dir,
        new RecordingExit()).start();
    ManagedChannel channel = UnixSocketChannels.open(socket, Duration.ZERO);
    try {
      BootState state = BootGrpc.newBlockingStub(channel)
          .getBootState(GetBootStateRequest.getDefaultInstance());

      assertEquals(1795611600, state.getBootedAt().getSeconds());
      assertEquals("/boot/initrd.img-6.1.0-50-amd64", state.getInitramfsPath());
    } finally {
      channel.shutdownNow();
      assertTrue(channel.awaitTermination(5, TimeUnit.SECONDS));
      server.stop();
    }
  }
}
