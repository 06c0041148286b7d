package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.api.agent.v1.SystemState;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.FakeCommandRunner;
import io.raidvm.controller.disk.DiskFolder;
import io.raidvm.controller.disk.QemuImg;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ready means booted: once the agent answers, {@link VmManager} waits until the guest says its
 * boot has finished, and reports a degraded boot's failed units; a stop or reboot that would cut
 * short a reshape md runs in the guest is refused. Against a running stand-in
 * (a process that passes for the VM's QEMU, the start of a real QEMU's QMP transcript) and a
 * scripted agent.
 */
class BootWaitTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final SystemState RUNNING = SystemState.newBuilder().setState("running").build();
  private static final Array RESHAPING = Array.newBuilder().setName("md127")
      .setSync(SyncStatus.newBuilder().setAction("reshape").setPercent(12.5)).build();

  @TempDir
  Path state;
  private VmStore store;
  private VmManager vms;
  private FakeAgentSession agent;
  private final List<AutoCloseable> fakes = new ArrayList<>();

  @BeforeEach
  void setUp() {
    store = new VmStore(state);
    FakeCommandRunner runner = new FakeCommandRunner();
    vms = new VmManager(store, new DiskFolder(state), ref -> Path.of("/images/i.qcow2"),
        new QemuImg(runner), new QemuLauncher(runner),
        new AccelProbe(state.resolve("no-kvm"), state.resolve("no-cpuinfo")),
        (vm, paths) -> agent, (vm, kind, disk, detail) -> { });
  }

  @AfterEach
  void stopFakes() throws Exception {
    vms.detachAll();
    for (AutoCloseable fake : fakes) {
      fake.close();
    }
  }

  /** vm1 runs with {@code agent} as its agent: re-attached, as after a controller restart. */
  private void running(FakeAgentSession vmAgent) throws Exception {
    agent = vmAgent;
    store.createFolder("vm1");
    store.writeSpec(VmSpec.newBuilder().setName("vm1").build());
    fakes.add(FakeQemu.start(store.paths("vm1")));
    fakes.add(QmpTranscript.serve(QmpTranscript.lines("hotplug/attach-d2.qmp").subList(0, 3),
        store.paths("vm1").qmpSocket()));
    store.setDesiredRunning("vm1", true);
    vms.reattachAll();
  }

  /** Waits until vm1 is ready, which must have taken one question about the boot. */
  private VmStatus readyAfterOneBootWait() {
    VmStatus vm = vms.awaitReady("vm1", TIMEOUT);
    assertEquals(VmState.READY, vm.state());
    assertEquals(List.of("awaitBoot"), agent.calls());
    return vm;
  }

  @Test
  void ready_waitsForTheBoot_andAFinishedBootLeavesNoWarning() throws Exception {
    running(FakeAgentSession.connected(null).boots(RUNNING));

    assertEquals(List.of(), readyAfterOneBootWait().warnings());
  }

  @Test
  void aDegradedBoot_isFinished_andItsFailedUnitsAreTheVmsWarnings() throws Exception {
    running(FakeAgentSession.connected(null).boots(SystemState.newBuilder()
        .setState("degraded").addFailedUnits("mnt-data.mount")
        .addFailedUnits("systemd-fsck@dev-md127.service").build()));

    VmStatus vm = readyAfterOneBootWait();

    assertEquals(List.of("the guest's boot finished degraded: failed units mnt-data.mount,"
        + " systemd-fsck@dev-md127.service"), vm.warnings());
    assertEquals(vm.warnings(), vms.get("vm1").warnings());
  }

  @Test
  void anAgentThatCannotTell_isReadyWhenItAnswers() throws Exception {
    running(FakeAgentSession.connected(null));

    assertEquals(List.of(), readyAfterOneBootWait().warnings());
  }

  @Test
  void anAgentLostDuringTheWait_isAskedAgain() throws Exception {
    running(FakeAgentSession.connected(null).boots(
        RaidvmException.unavailable("the agent of VM 'vm1' did not say: Network closed"),
        RUNNING));

    vms.awaitReady("vm1", TIMEOUT);

    assertEquals(List.of("awaitBoot", "awaitBoot"), agent.calls());
  }

  @Test
  void aBootThatDoesNotFinishInTime_failsUnavailable_sayingSo() throws Exception {
    running(FakeAgentSession.connected(null).boots(
        RaidvmException.deadlineExceeded("the boot of VM 'vm1' did not finish within 30 s")));

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> vms.awaitReady("vm1", TIMEOUT));

    assertEquals(RaidvmException.Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().startsWith("VM 'vm1' runs and its agent answers, but its boot did"
        + " not finish within 30 s (the boot of VM 'vm1' did not finish within 30 s)."),
        e.getMessage());
  }

  @Test
  void reboot_waitsForTheNewBoot_whoseStateReplacesTheLastOnes() throws Exception {
    running(FakeAgentSession.connected(null).boots(SystemState.newBuilder()
        .setState("degraded").addFailedUnits("mnt-data.mount").build(), RUNNING));
    assertEquals(1, vms.awaitReady("vm1", TIMEOUT).warnings().size());

    VmStatus vm = vms.reboot("vm1", TIMEOUT, false);

    assertEquals(List.of("awaitBoot", "listArrays", "reboot", "awaitBoot"), agent.calls());
    assertEquals(List.of(), vm.warnings());
  }

  @Test
  void stopAndReboot_whileMdReshapes_areRefusedNamingTheArray_andTouchNothing()
      throws Exception {
    running(FakeAgentSession.connected(null).boots(RUNNING).arrays(RESHAPING));
    readyAfterOneBootWait();

    for (boolean force : List.of(false, true)) {
      var stop = assertThrows(RaidvmException.class,
          () -> vms.stop("vm1", force, Duration.ZERO, false));
      assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, stop.kind());
      assertTrue(stop.getMessage().startsWith("cannot stop VM 'vm1': md is reshaping md127"
          + " (12.5 % done)."), stop.getMessage());
      assertTrue(stop.getMessage().endsWith(", or pass interrupt_reshape (raidctl vm stop vm1"
          + " --interrupt-reshape) to do it anyway"), stop.getMessage());
    }
    var reboot = assertThrows(RaidvmException.class,
        () -> vms.reboot("vm1", TIMEOUT, false));
    assertTrue(reboot.getMessage().startsWith("cannot reboot VM 'vm1': md is reshaping md127"),
        reboot.getMessage());

    assertEquals(List.of("awaitBoot", "listArrays", "listArrays", "listArrays"), agent.calls());
    assertTrue(store.desiredRunning("vm1"));
    assertEquals(VmState.READY, vms.get("vm1").state());
  }

  @Test
  void reboot_whileMdReshapes_withInterruptReshape_reboots() throws Exception {
    running(FakeAgentSession.connected(null).boots(RUNNING).arrays(RESHAPING));
    readyAfterOneBootWait();

    vms.reboot("vm1", TIMEOUT, true);

    assertEquals(List.of("awaitBoot", "reboot", "awaitBoot"), agent.calls());
  }
}
