package io.raidvm.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.raidvm.agent.audit.AgentAuditLog;
import io.raidvm.agent.block.BlockDevices;
import io.raidvm.agent.info.GuestInfoCollector;
import io.raidvm.agent.info.HardwareFacts;
import io.raidvm.agent.md.MdKernelFiles;
import io.raidvm.agent.md.ReshapeGuard;
import io.raidvm.agent.power.AgentRestarter;
import io.raidvm.agent.power.SystemPower;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.RecordingExit;
import io.raidvm.agent.upgrade.AgentJarInstaller;
import io.raidvm.agent.upgrade.AgentJarInstallerTest;
import io.raidvm.agent.upgrade.RunningJar;
import io.raidvm.api.agent.v1.AgentProcess;
import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.GuestInfo;
import io.raidvm.api.agent.v1.InstallAgentChunk;
import io.raidvm.api.agent.v1.InstallAgentResponse;
import io.raidvm.api.agent.v1.ListBlockDevicesRequest;
import io.raidvm.api.agent.v1.RestartAgentRequest;
import io.raidvm.api.agent.v1.RestartAgentResponse;
import io.raidvm.api.agent.v1.ShutdownRequest;
import io.raidvm.api.agent.v1.ShutdownResponse;
import io.raidvm.common.grpc.AgentJarUpload;
import io.raidvm.common.grpc.InProcessGrpc;
import io.raidvm.common.process.FakeCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real service over gRPC's in-process transport, with a fake runner in place of the tools. */
class GuestAgentGrpcServiceTest {

  private static final List<String> LSBLK = List.of("lsblk", "-J", "-b", "-o",
      "NAME,KNAME,PATH,SIZE,TYPE,VENDOR,MODEL,SERIAL,FSTYPE,UUID,LABEL,MOUNTPOINTS,RO,PKNAME,HCTL");
  private static final List<String> POWEROFF = List.of("systemctl", "start", "--no-block",
      "--job-mode=replace-irreversibly", "poweroff.target");

  @TempDir
  Path root;

  private final FakeCommandRunner runner = new FakeCommandRunner();
  private final RecordingExit exit = RecordingExit.held();
  private InProcessGrpc grpc;

  private GuestAgentGrpc.GuestAgentBlockingStub agent() {
    GuestAgentGrpcService service = new GuestAgentGrpcService(
        new GuestInfoCollector(runner, () -> new HardwareFacts("cpu", 2, 2048, 1024, 7), root,
            () -> AgentProcess.newBuilder().setVersion("test").build()),
        new BlockDevices(runner, root),
        new SystemPower(runner),
        new AgentRestarter(() -> exit.record("stop server"), exit, Duration.ofMillis(50)),
        AgentAuditLog.in(root), new AgentJarInstaller(new RunningJar(root), List::of, () -> { },
        Clock.systemUTC()), new ReshapeGuard(new MdKernelFiles(root)));
    grpc = InProcessGrpc.serveDirect(service);
    return GuestAgentGrpc.newBlockingStub(grpc.channel());
  }

  @AfterEach
  void shutDown() {
    grpc.close();
  }

  @Test
  void getInfo_reportsToolVersions_andAMissingToolAsEmpty() throws IOException {
    runner.missing("mdadm")
        .answer(List.of("parted", "--version"), 0, Fixtures.read("parted/version.stdout"), "")
        .answer(List.of("mke2fs", "-V"), 0, "", Fixtures.read("mke2fs/version.stderr"));

    GuestInfo info = agent().getInfo(GetInfoRequest.getDefaultInstance());

    assertEquals(List.of("mdadm=", "parted=3.5", "e2fsprogs=1.47.0"),
        info.getToolsList().stream().map(t -> t.getName() + "=" + t.getVersion()).toList());
    assertEquals("cpu", info.getCpuModel());
    assertEquals("test", info.getAgent().getVersion());
  }

  @Test
  void listBlockDevices_returnsDisksWithPartitions_andEachArrayOnce() throws IOException {
    runner.answer(LSBLK, 0, Fixtures.read("lsblk/raid-members-constructed.json"), "");

    List<BlockDevice> devices =
        agent().listBlockDevices(ListBlockDevicesRequest.getDefaultInstance()).getDevicesList();

    assertEquals(List.of("sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg", "md127", "md0"),
        devices.stream().map(BlockDevice::getName).toList());
    assertEquals(List.of("md127"), devices.get(0).getPartitions(0).getMdMemberOfList());
  }

  @Test
  void listBlockDevices_whenLsblkFails_isFailedPreconditionWithItsStderr() throws IOException {
    runner.answer(LSBLK, 1, "", "lsblk: cannot open /sys/block");

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> agent().listBlockDevices(ListBlockDevicesRequest.getDefaultInstance()));

    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals("lsblk failed (exit 1): lsblk: cannot open /sys/block [command: "
        + String.join(" ", LSBLK) + "]", e.getStatus().getDescription());
  }

  @Test
  void shutdown_poweroff_asksSystemd() throws IOException {
    runner.answer(POWEROFF, 0, "", "");

    ShutdownResponse response = agent().shutdown(
        ShutdownRequest.newBuilder().setMode(ShutdownRequest.Mode.POWEROFF).build());

    assertEquals(ShutdownResponse.getDefaultInstance(), response);
    assertEquals(List.of(POWEROFF), runner.calls());
  }

  @Test
  void shutdown_whileMdReshapes_isRefusedNamingTheArray_andRunsNothing() throws IOException {
    Files.createDirectories(root.resolve("proc"));
    Files.writeString(root.resolve("proc/mdstat"),
        Fixtures.read("guest-reshape/r5-chunk/mdstat-reshape.stdout"));

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> agent().shutdown(
        ShutdownRequest.newBuilder().setMode(ShutdownRequest.Mode.REBOOT).build()));

    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith("cannot reboot the guest: md is"
        + " reshaping md127 (4.9 % done)."), e.getStatus().getDescription());
    assertTrue(e.getStatus().getDescription().contains("--interrupt-reshape"),
        e.getStatus().getDescription());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void shutdown_whileMdReshapes_withInterruptReshape_asksSystemd() throws IOException {
    Files.createDirectories(root.resolve("proc"));
    Files.writeString(root.resolve("proc/mdstat"),
        Fixtures.read("guest-reshape/r5-chunk/mdstat-reshape.stdout"));
    runner.answer(POWEROFF, 0, "", "");

    agent().shutdown(ShutdownRequest.newBuilder().setMode(ShutdownRequest.Mode.POWEROFF)
        .setInterruptReshape(true).build());

    assertEquals(List.of(POWEROFF), runner.calls());
  }

  @Test
  void shutdown_withoutMode_isInvalidArgument_andRunsNothing() throws IOException {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> agent().shutdown(ShutdownRequest.getDefaultInstance()));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("shutdown mode must be POWEROFF or REBOOT, got MODE_UNSPECIFIED",
        e.getStatus().getDescription());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void restartAgent_graceful_answersFirst_thenStopsAndExitsWithZero()
      throws IOException, InterruptedException {
    RestartAgentResponse response = agent().restartAgent(
        RestartAgentRequest.newBuilder().setMode(RestartAgentRequest.Mode.GRACEFUL).build());

    assertEquals(RestartAgentResponse.getDefaultInstance(), response);
    assertEquals(List.of(), exit.events());
    exit.release();
    assertEquals(List.of("stop server", "exit 0"), exit.awaitEvents(2));
  }

  @Test
  void restartAgent_hard_answersFirst_thenHalts() throws IOException, InterruptedException {
    agent().restartAgent(
        RestartAgentRequest.newBuilder().setMode(RestartAgentRequest.Mode.HARD).build());

    assertEquals(List.of(), exit.events());
    exit.release();
    exit.awaitEvents(1);
    assertEquals(List.of("halt 1"), exit.awaitEndersDone());
  }

  /**
   * Runs {@code body} and returns the restarts it scheduled: AgentRestarter logs each before it
   * returns, so before the answer of the call that asked for it.
   */
  private List<String> scheduledRestarts(Runnable body) {
    Logger log = Logger.getLogger(AgentRestarter.class.getName());
    List<String> scheduled = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        scheduled.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(handler);
    try {
      body.run();
      return scheduled;
    } finally {
      log.removeHandler(handler);
      exit.release();
    }
  }

  @Test
  void restartAgent_withoutMode_isInvalidArgument_andDoesNotRestart() {
    GuestAgentGrpc.GuestAgentBlockingStub agent = agent();
    List<String> scheduled = scheduledRestarts(() -> {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> agent.restartAgent(RestartAgentRequest.getDefaultInstance()));

      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertEquals("restart mode must be GRACEFUL or HARD, got MODE_UNSPECIFIED",
          e.getStatus().getDescription());

      agent.restartAgent(
          RestartAgentRequest.newBuilder().setMode(RestartAgentRequest.Mode.HARD).build());
    });
    assertEquals(List.of("agent restart requested (HARD)"), scheduled,
        "only the second call restarts");
  }

  @Test
  void installAgent_takesTheJarInPieces_answers_thenRestartsGracefully() throws Exception {
    Path jar = root.resolve(RunningJar.PATH);
    Files.createDirectories(jar.getParent());
    Files.write(jar, AgentJarInstallerTest.runnableJar("1.0"));
    byte[] next = AgentJarInstallerTest.runnableJar("2.0");
    GuestAgentGrpc.GuestAgentBlockingStub agent = agent();

    InstallAgentResponse done = AgentJarUpload.send(grpc.channel(), next, Duration.ofMinutes(1));

    assertEquals(InstallAgentResponse.Result.INSTALLED, done.getResult());
    assertArrayEquals(next, Files.readAllBytes(jar));
    assertEquals(List.of(), exit.events(), "the answer comes before the restart");
    exit.release();
    assertEquals(List.of("stop server", "exit 0"), exit.awaitEvents(2));
  }

  @Test
  void installAgent_withoutAHeaderFirst_isInvalidArgument_andDoesNotRestart() {
    GuestAgentGrpc.GuestAgentBlockingStub agent = agent();
    List<String> scheduled = scheduledRestarts(() -> {
      Status status = installWithoutHeader();
      assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
      assertEquals("the first message of InstallAgent must be the header (sha256, size_bytes)",
          status.getDescription());
      agent.restartAgent(
          RestartAgentRequest.newBuilder().setMode(RestartAgentRequest.Mode.HARD).build());
    });
    assertEquals(List.of("agent restart requested (HARD)"), scheduled,
        "the refused install restarts nothing");
  }

  private Status installWithoutHeader() {
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    StreamObserver<InstallAgentChunk> requests = GuestAgentGrpc.newStub(grpc.channel())
        .installAgent(new StreamObserver<>() {
          @Override
          public void onNext(InstallAgentResponse value) {
            failed.complete(null);
          }

          @Override
          public void onError(Throwable t) {
            failed.complete(t);
          }

          @Override
          public void onCompleted() {}
        });
    requests.onNext(InstallAgentChunk.newBuilder().setData(ByteString.copyFromUtf8("PK")).build());
    requests.onCompleted();
    try {
      return Status.fromThrowable(failed.get(1, TimeUnit.MINUTES));
    } catch (Exception e) {
      throw new AssertionError("InstallAgent did not end", e);
    }
  }
}
