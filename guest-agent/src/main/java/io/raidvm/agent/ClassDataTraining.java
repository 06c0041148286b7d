package io.raidvm.agent;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.raidvm.agent.power.AgentRestarter;
import io.raidvm.api.agent.v1.BootGrpc;
import io.raidvm.api.agent.v1.EventsGrpc;
import io.raidvm.api.agent.v1.GetBootStateRequest;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GetMdstatRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.ListArraysRequest;
import io.raidvm.api.agent.v1.ListBlockDevicesRequest;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.agent.v1.WatchRequest;
import io.raidvm.common.grpc.MessageLimits;
import io.raidvm.common.grpc.UnixSocketChannels;
import io.raidvm.common.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A short run of the whole agent, made by the image builder in the guest's root file system under
 * {@code -XX:ArchiveClassesAtExit}, so that the guest's JVM maps the agent's classes from a
 * class-data sharing archive at every boot instead of loading, parsing and verifying them one by
 * one — under software emulation most of the agent's start goes there (docs/design.md, "Guest
 * boot"). It starts the server on a private socket (there is no port), makes the calls a
 * controller makes first on every connection (health, GetInfo, the event watch) and the common
 * status reads, so that their classes are archived too, then exits. A call that fails (the build
 * has no /sys) still loads most of what it would; only a server that does not start fails the
 * run, and with it the build.
 */
public final class ClassDataTraining {

  private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

  private ClassDataTraining() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("raidvm-agent-training");
    Path socket = dir.resolve("agent.sock");
    GuestAgentServer server = new GuestAgentServer(dir.resolve("no-port"), socket,
        new ProcessRunner(), Path.of("/"), AgentRestarter.ProcessExit.RUNTIME).start();
    ManagedChannel channel = UnixSocketChannels.open(socket, Duration.ZERO, MessageLimits.DEFAULT);
    try {
      call("health", () -> HealthGrpc.newBlockingStub(channel).withDeadlineAfter(
          CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .check(HealthCheckRequest.getDefaultInstance()));
      GuestAgentGrpc.GuestAgentBlockingStub agent = GuestAgentGrpc.newBlockingStub(channel)
          .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      call("GetInfo", () -> agent.getInfo(GetInfoRequest.getDefaultInstance()));
      call("ListBlockDevices",
          () -> agent.listBlockDevices(ListBlockDevicesRequest.getDefaultInstance()));
      call("Watch", () -> EventsGrpc.newBlockingStub(channel).withDeadlineAfter(
          CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .watch(WatchRequest.getDefaultInstance()).next());
      RaidGrpc.RaidBlockingStub raid = RaidGrpc.newBlockingStub(channel)
          .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      call("GetMdstat", () -> raid.getMdstat(GetMdstatRequest.getDefaultInstance()));
      call("ListArrays", () -> raid.listArrays(ListArraysRequest.getDefaultInstance()));
      call("GetBootState", () -> BootGrpc.newBlockingStub(channel).withDeadlineAfter(
          CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .getBootState(GetBootStateRequest.getDefaultInstance()));
    } finally {
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
      server.stop();
      deleteTree(dir);
    }
    // The archive is written as the JVM exits; the server's non-daemon threads must not hold it.
    System.exit(0);
  }

  private static void call(String name, Supplier<?> rpc) {
    try {
      rpc.get();
      System.out.println("training: " + name + " answered");
    } catch (StatusRuntimeException e) {
      System.out.println("training: " + name + " failed (its classes are loaded all the same): "
          + e.getStatus());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
