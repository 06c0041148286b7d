package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.controller.v1.ConsoleChunk;
import io.raidvm.api.controller.v1.FaultKind;
import io.raidvm.api.controller.v1.FaultRequest;
import io.raidvm.api.controller.v1.ReadConsoleRequest;
import io.raidvm.api.controller.v1.UpgradeAgentRequest;
import io.raidvm.api.controller.v1.VmServiceGrpc;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.api.controller.v1.WatchVmRequest;
import io.raidvm.common.grpc.InProcessGrpc;
import io.raidvm.common.process.FakeCommandRunner;
import io.raidvm.controller.agent.AgentUpgrader;
import io.raidvm.controller.disk.DiskFolder;
import io.raidvm.controller.disk.QemuImg;
import io.raidvm.controller.events.VmEventHubs;
import io.raidvm.controller.fault.DiskCorruptor;
import io.raidvm.controller.fault.QemuIo;
import io.raidvm.controller.image.AgentJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmGrpcServiceStreamsTest {

  @TempDir
  Path state;
  private final ExecutorService delivery = Executors.newCachedThreadPool();
  private final VmEventHubs events = new VmEventHubs(VmEventHubs.KEPT_EVENTS, delivery);
  private InProcessGrpc grpc;
  private VmServiceGrpc.VmServiceBlockingStub stub;

  @BeforeEach
  void setUp() throws Exception {
    VmStore store = new VmStore(state);
    store.createFolder("vm1");
    store.writeSpec(VmSpec.newBuilder().setName("vm1").build());
    VmManager vms = new VmManager(store, new DiskFolder(state), ref -> Path.of("/unused"),
        new QemuImg(new FakeCommandRunner()), null, null, (vm, paths) -> {
          throw new AssertionError("no agent link without QEMU");
        }, events);
    grpc = InProcessGrpc.serve(new VmGrpcService(vms, events,
        new DiskCorruptor(new QemuIo(new FakeCommandRunner())), new AgentUpgrader(vm -> {
      throw new AssertionError("no agent channel without QEMU");
    }, vm -> vms.get(vm).state(), AgentJar.bundled(), Duration.ZERO)));
    stub = VmServiceGrpc.newBlockingStub(grpc.channel());
  }

  @AfterEach
  void tearDown() {
    grpc.close();
    delivery.shutdownNow();
  }

  private static WatchVmRequest watch(String vm) {
    return WatchVmRequest.newBuilder().setName(vm).build();
  }

  @Test
  void readConsole_withANegativeLineCount_isInvalidArgumentNamingTheRange() {
    var e = assertThrows(StatusRuntimeException.class, () -> stub.readConsole(
        ReadConsoleRequest.newBuilder().setName("vm1").setLines(-1).build()).next());
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("console lines 4294967295 is out of range: give 1 to 10000, or 0 for 50",
        e.getStatus().getDescription());
  }

  @Test
  void fault_nmiNamingADisk_orOfAStoppedVm_isRefused_andChangesNothing() throws Exception {
    Path vmDir = state.resolve("vms/vm1");
    java.util.Map<Path, String> before = folder(vmDir);

    var withDisk = assertThrows(StatusRuntimeException.class, () -> stub.fault(
        FaultRequest.newBuilder().setName("vm1").setKind(FaultKind.NMI).setDisk("d1").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, withDisk.getStatus().getCode());
    assertEquals("an NMI goes to the whole VM, not to disk 'd1': leave the disk out",
        withDisk.getStatus().getDescription());
    var stopped = assertThrows(StatusRuntimeException.class, () -> stub.fault(
        FaultRequest.newBuilder().setName("vm1").setKind(FaultKind.NMI).build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, stopped.getStatus().getCode());
    assertEquals("VM 'vm1' is not running: an NMI goes to a running guest",
        stopped.getStatus().getDescription());

    assertEquals(before, folder(vmDir));
  }

  /** Every file below {@code dir} with its content. */
  private static java.util.Map<Path, String> folder(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      java.util.Map<Path, String> all = new java.util.TreeMap<>();
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        all.put(f, Files.readString(f));
      }
      return all;
    }
  }

  @Test
  void watchVm_unknownVm_isNotFound() {
    var e = assertThrows(StatusRuntimeException.class, () -> stub.watchVm(watch("vm9")).next());
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  @Test
  void watchVm_badName_isInvalidArgument() {
    var e = assertThrows(StatusRuntimeException.class, () -> stub.watchVm(watch("-vm")).next());
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
  }

  @Test
  void watchVm_streamsSnapshotThenEvents_andResumesAfterTheLastOneSeen() {
    WatchEvent snapshot;
    WatchEvent started;
    try (Context.CancellableContext context = Context.current().withCancellation()) {
      Iterator<WatchEvent> stream = context.call(() -> stub.watchVm(watch("vm1")));
      snapshot = stream.next();
      events.vmEvent("vm1", VmEvent.Kind.STARTED, "", "pid 42");
      started = stream.next();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    events.vmEvent("vm1", VmEvent.Kind.AGENT_CONNECTED, "", "");

    assertTrue(snapshot.hasSnapshot());
    assertEquals(VmEvent.Kind.STARTED, started.getVm().getKind());
    assertEquals(snapshot.getSequence() + 1, started.getSequence());
    Iterator<WatchEvent> resumed = stub.watchVm(watch("vm1").toBuilder()
        .setEpoch(started.getEpoch()).setAfterSequence(started.getSequence()).build());
    assertEquals(VmEvent.Kind.AGENT_CONNECTED, resumed.next().getVm().getKind());
  }

  @Test
  void watchVm_cancelledByClients_leavesNoWatcher() throws Exception {
    for (int i = 0; i < 3; i++) {
      try (Context.CancellableContext context = Context.current().withCancellation()) {
        context.call(() -> stub.watchVm(watch("vm1"))).next();
      }
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (events.watchers() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, events.watchers());
  }

  @Test
  void readConsole_givesTheLastLines_andFollowingSendsWhatComesNext() throws Exception {
    Path log = new VmStore(state).paths("vm1").consoleLog();
    Files.writeString(log, "one\r\ntwo\nthree\n");
    Iterator<ConsoleChunk> tail = stub.readConsole(ReadConsoleRequest.newBuilder().setName("vm1")
        .setLines(2).build());
    assertEquals("two\nthree\n", tail.next().getText());
    assertFalse(tail.hasNext());

    Iterator<ConsoleChunk> follow = stub.withDeadlineAfter(10, TimeUnit.SECONDS).readConsole(
        ReadConsoleRequest.newBuilder().setName("vm1").setLines(1).setFollow(true).build());
    assertEquals("three\n", follow.next().getText());
    Files.writeString(log, "login: ", StandardOpenOption.APPEND);
    Files.writeString(log, "root\n", StandardOpenOption.APPEND);
    assertEquals("login: root\n", follow.next().getText(), "whole lines only");
  }

  @Test
  void readConsole_unknownVm_isNotFound() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.readConsole(
        ReadConsoleRequest.newBuilder().setName("nope").build()).hasNext());
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  @Test
  void upgradeAgent_ofAStoppedVm_isFailedPrecondition_andOfAnUnknownOne_notFound() {
    StatusRuntimeException stopped = assertThrows(StatusRuntimeException.class,
        () -> stub.upgradeAgent(UpgradeAgentRequest.newBuilder().setName("vm1").build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, stopped.getStatus().getCode());
    assertEquals("VM vm1 is STOPPED: its agent must answer to be upgraded (raidctl vm start vm1)",
        stopped.getStatus().getDescription());

    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
        () -> stub.upgradeAgent(UpgradeAgentRequest.newBuilder().setName("nope")
            .setRollback(true).build()));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
  }
}
