package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.FakeCommandRunner;
import io.raidvm.controller.disk.DiskFolder;
import io.raidvm.controller.disk.QemuImg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AttachDisk and DetachDisk in {@link VmManager}, and the faults from the host (pull, NMI): what
 * is refused (and that it changes nothing), the spec edit of a stopped VM, and on a running one
 * (a stand-in QEMU process, a QMP monitor that plays back a real QEMU's transcript, a scripted
 * agent) the hot-plug, the guest's device, the refusal to pull a disk the guest uses, and a
 * kernel panic told as an event.
 */
class DiskAttachTest {

  @TempDir
  Path state;
  private VmStore store;
  private VmManager vms;
  private FakeCommandRunner runner;
  private FakeAgentSession agent = FakeAgentSession.notConnected();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> fakes = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    store = new VmStore(state);
    runner = new FakeCommandRunner().on("qemu-system-x86_64",
        (c, lines) -> FakeCommandRunner.failed(c, 1, "qemu-system-x86_64: stopped by the test"));
    vms = new VmManager(store, new DiskFolder(state), ref -> Path.of("/images/i.qcow2"),
        new QemuImg(runner), new QemuLauncher(runner),
        new AccelProbe(state.resolve("no-kvm"), state.resolve("no-cpuinfo")),
        (vm, paths) -> agent,
        (vm, kind, disk, detail) -> events.add(vm + " " + kind + " " + disk + ": " + detail));
    for (String disk : List.of("d1", "d2", "d3")) {
      Files.createDirectories(state.resolve("disks"));
      Files.writeString(state.resolve("disks/" + disk + ".qcow2"), "");
    }
  }

  @AfterEach
  void stopFakes() throws Exception {
    vms.detachAll();
    for (AutoCloseable fake : fakes) {
      fake.close();
    }
  }

  private void vm(String name, String... disks) {
    store.createFolder(name);
    store.writeSpec(VmSpec.newBuilder().setName(name).addAllDataDisks(List.of(disks)).build());
  }

  private List<String> disksOf(String vm) {
    return store.read(vm).getDataDisksList();
  }

  /** vm1 runs: a process that passes for its QEMU, QMP playing {@code transcript}. */
  private QmpTranscript running(String transcript) throws Exception {
    fakes.add(FakeQemu.start(store.paths("vm1")));
    QmpTranscript qemu = QmpTranscript.serve(transcript, store.paths("vm1").qmpSocket(),
        Map.of("/tmp/raidvm-qmp-capture/disks", state.resolve("disks").toString()));
    fakes.add(qemu);
    store.setDesiredRunning("vm1", true);
    vms.reattachAll();
    return qemu;
  }

  private static ListBlockDevicesResponse guest(BlockDevice... disks) {
    return ListBlockDevicesResponse.newBuilder().addAllDevices(List.of(disks)).build();
  }

  private static BlockDevice disk(String name, String serial) {
    return BlockDevice.newBuilder().setName(name).setPath("/dev/" + name).setType("disk")
        .setSerial(serial).build();
  }

  private RaidvmException refused(RaidvmException.Kind kind, Runnable call) {
    RaidvmException e = assertThrows(RaidvmException.class, call::run);
    assertEquals(kind, e.kind(), e.getMessage());
    return e;
  }

  @Test
  void attachAndDetach_ofAStoppedVm_editItsSpecOnly_withAnEventEach() {
    vm("vm1", "d1");

    VmManager.Attached attached = vms.attachDisk("vm1", "d2");
    assertEquals(false, attached.hotPlugged());
    assertEquals("", attached.guestDevice());
    assertEquals(List.of("d1", "d2"), disksOf("vm1"));
    assertEquals(List.of("d1", "d2"), attached.vm().spec().getDataDisksList());

    VmManager.Detached detached = vms.detachDisk("vm1", "d1", false);
    assertEquals(false, detached.hotUnplugged());
    assertEquals(List.of("d2"), disksOf("vm1"));
    assertEquals(List.of(
        "vm1 DISK_ATTACHED d2: to the spec (the VM is stopped)",
        "vm1 DISK_DETACHED d1: from the spec (the VM is stopped)"), events);
  }

  @Test
  void aDiskAttachedToAStoppedVm_isInItsNextLaunch_inTheNextSlot() {
    vm("vm1", "d1");
    vms.attachDisk("vm1", "d3");

    assertThrows(RaidvmException.class, () -> vms.start("vm1", true, java.time.Duration.ZERO));

    List<String> argv = runner.calls().get(0);
    assertEquals("{\"driver\":\"scsi-hd\",\"bus\":\"scsi0.0\",\"channel\":0,\"scsi-id\":2,"
        + "\"lun\":0,\"drive\":\"d2\",\"id\":\"disk-d3\",\"serial\":\"d3\"}",
        argv.get(argv.lastIndexOf("-blockdev") + 3));
  }

  @Test
  void refusals_sayWhy_andChangeNoSpec() {
    vm("vm1", "d1");
    vm("vm2", "d2");

    assertEquals("VM 'nope' does not exist",
        refused(RaidvmException.Kind.NOT_FOUND, () -> vms.attachDisk("nope", "d3")).getMessage());
    refused(RaidvmException.Kind.NOT_FOUND, () -> vms.attachDisk("vm1", "d9"));
    refused(RaidvmException.Kind.NOT_FOUND, () -> vms.detachDisk("vm1", "d9", true));
    assertEquals("'os' is the VM's OS disk: it cannot be detached; name a data disk",
        refused(RaidvmException.Kind.INVALID_ARGUMENT, () -> vms.detachDisk("vm1", "os", true))
            .getMessage());
    refused(RaidvmException.Kind.INVALID_ARGUMENT, () -> vms.attachDisk("vm1", "os"));
    refused(RaidvmException.Kind.INVALID_ARGUMENT, () -> vms.attachDisk("vm1", "D1;rm"));
    assertEquals("disk 'd1' is attached to VM 'vm1' already",
        refused(RaidvmException.Kind.FAILED_PRECONDITION, () -> vms.attachDisk("vm1", "d1"))
            .getMessage());
    assertEquals("disk 'd2' is attached to VM 'vm2': a disk serves one VM; detach it there"
        + " first (raidctl disk detach vm2 d2)",
        refused(RaidvmException.Kind.FAILED_PRECONDITION, () -> vms.attachDisk("vm1", "d2"))
            .getMessage());
    assertEquals("disk 'd3' is not attached to VM 'vm1' (its data disks: d1)",
        refused(RaidvmException.Kind.FAILED_PRECONDITION,
            () -> vms.detachDisk("vm1", "d3", true)).getMessage());

    assertEquals(List.of("d1"), disksOf("vm1"));
    assertEquals(List.of("d2"), disksOf("vm2"));
    assertEquals(List.of(), events);
  }

  @Test
  void attach_toARunningVm_hotPlugsIt_persistsIt_andNamesTheGuestsDevice() throws Exception {
    vm("vm1", "d1");
    agent = FakeAgentSession.connected(null).listing(guest(disk("sdb", "d1")),
        guest(disk("sdb", "d1"), disk("sdc", "d2")));
    QmpTranscript qemu = running("hotplug/attach-d2.qmp");

    VmManager.Attached attached = vms.attachDisk("vm1", "d2");

    assertEquals(new VmManager.Attached(attached.vm(), true, 2, "/dev/sdc"), attached);
    assertEquals(List.of("d1", "d2"), disksOf("vm1"));
    assertEquals(List.of("listBlockDevices", "listBlockDevices"), agent.calls());
    assertEquals(List.of("vm1 DISK_ATTACHED d2: hot-plugged at scsi-id 2"), events);
    vms.detachAll();
    assertEquals("", qemu.awaitEnd());
  }

  @Test
  void detach_fromARunningVm_ofADiskTheGuestDoesNotUse_pullsItAndPersists() throws Exception {
    vm("vm1", "d1", "d2");
    agent = FakeAgentSession.connected(null).listing(guest(disk("sdb", "d1"),
        disk("sdc", "d2").toBuilder().addPartitions(disk("sdc1", "")).build()));
    QmpTranscript qemu = running("hotplug/detach-d2.qmp");

    VmManager.Detached detached = vms.detachDisk("vm1", "d2", false);

    assertEquals(true, detached.hotUnplugged());
    assertEquals(List.of("d1"), disksOf("vm1"));
    assertEquals(List.of("vm1 DISK_DETACHED d2: pulled from the running VM"), events);
    vms.detachAll();
    assertEquals("", qemu.awaitEnd());
  }

  @Test
  void detach_ofAnActiveMdMemberOrAMountedDisk_isRefusedSayingWhat_andQemuIsNotTouched()
      throws Exception {
    vm("vm1", "d1", "d2");
    BlockDevice member = disk("sdc", "d2").toBuilder().addPartitions(disk("sdc1", "")
        .toBuilder().addMdMemberOf("md127").addHolders("md127")).build();
    agent = FakeAgentSession.connected(null).listing(guest(member));
    QmpTranscript qemu = running("hotplug/detach-d2.qmp");

    String why = refused(RaidvmException.Kind.FAILED_PRECONDITION,
        () -> vms.detachDisk("vm1", "d2", false)).getMessage();

    assertEquals("disk 'd2' is in use in VM 'vm1': sdc1 is a member of md127. Nothing was"
        + " changed; detaching a disk the guest uses pulls it from under it: md sees a missing"
        + " member (the array runs degraded, or fails when it cannot spare it) and a mounted"
        + " filesystem loses its device. Stop using it first (raidctl raid fail/remove,"
        + " raidctl fs umount), or detach with --force", why);
    assertEquals(List.of("d1", "d2"), disksOf("vm1"));
    assertEquals(List.of(), events);
    vms.detachAll();
    qemu.awaitEnd();
    assertEquals(List.of("qmp_capabilities"), qemu.received());
  }

  @Test
  void detach_whenTheGuestCannotBeAsked_isRefusedUnlessForced() throws Exception {
    vm("vm1", "d1", "d2");
    QmpTranscript qemu = running("hotplug/detach-d2.qmp");

    String why = refused(RaidvmException.Kind.FAILED_PRECONDITION,
        () -> vms.detachDisk("vm1", "d2", false)).getMessage();
    assertEquals("cannot ask the guest of VM 'vm1' whether disk 'd2' is in use: its agent does"
        + " not answer (state RUNNING_AGENT_NOT_READY). Nothing was changed;",
        why.substring(0, why.indexOf(';') + 1));
    assertEquals(List.of("d1", "d2"), disksOf("vm1"));

    assertEquals(true, vms.detachDisk("vm1", "d2", true).hotUnplugged());
    assertEquals(List.of("d1"), disksOf("vm1"));
    assertEquals(List.of("vm1 DISK_DETACHED d2: pulled from the running VM (forced)"), events);
    vms.detachAll();
    assertEquals("", qemu.awaitEnd());
  }

  @Test
  void pull_ofAnMdMember_asksNoGuest_andMarksTheSpec() throws Exception {
    vm("vm1", "d1", "d2");
    BlockDevice member = disk("sdc", "d2").toBuilder().addPartitions(disk("sdc1", "")
        .toBuilder().addMdMemberOf("md127").addHolders("md127")).build();
    agent = FakeAgentSession.connected(null).listing(guest(member));
    QmpTranscript qemu = running("hotplug/detach-d2.qmp");

    VmManager.Pulled pulled = vms.pullDisk("vm1", "d2");

    assertEquals(2, pulled.scsiId());
    assertEquals(List.of(), agent.calls());
    assertEquals(List.of("d1", "d2"), disksOf("vm1"));
    assertEquals(List.of("d2"), store.read("vm1").getPulledDisksList());
    assertEquals(List.of("vm1 DISK_PULLED d2: " + pulled.detail()), events);
    assertEquals("pulled disk 'd2' (scsi-id 2) out of the running VM without asking the guest"
        + " (device_del, DEVICE_DELETED, blockdev-del); its spec keeps it, marked pulled: a"
        + " restart leaves it out, raidctl disk attach vm1 d2 plugs it in again",
        pulled.detail());
    assertEquals("disk 'd2' of VM 'vm1' is pulled already; raidctl disk attach vm1 d2 plugs it"
        + " in again", refused(RaidvmException.Kind.FAILED_PRECONDITION,
            () -> vms.pullDisk("vm1", "d2")).getMessage());
    vms.detachAll();
    assertEquals("", qemu.awaitEnd());
  }

  @Test
  void nmi_isSentOverQmp_andTheGuestsPanicIsACrashedEvent() throws Exception {
    vm("vm1", "d1");
    QmpTranscript qemu = running("panic/nmi-panic-reset.qmp");

    VmManager.Injected injected = vms.injectNmi("vm1", false);

    assertEquals("sent an NMI to every vCPU of VM 'vm1' (QMP inject-nmi): a raidvm image's"
        + " kernel panics (unknown_nmi_panic) and resets after 5 s", injected.detail());
    String crashed = "vm1 CRASHED : the guest's kernel panicked (QMP GUEST_PANICKED); a raidvm"
        + " image resets after 5 s and boots again. Its last words are in "
        + store.paths("vm1").consoleLog();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (events.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(List.of("vm1 NMI_INJECTED : " + injected.detail().substring("sent ".length()),
        crashed), events);
    vms.detachAll();
    assertEquals("", qemu.awaitEnd());
  }

  @Test
  void nmi_whileMdReshapes_isRefused_andNothingIsSent() throws Exception {
    vm("vm1", "d1");
    agent = FakeAgentSession.connected(null).arrays(Array.newBuilder().setName("md127")
        .setSync(SyncStatus.newBuilder().setAction("reshape").setPercent(40)).build());
    QmpTranscript qemu = running("panic/nmi-panic-reset.qmp");

    RaidvmException e = refused(RaidvmException.Kind.FAILED_PRECONDITION,
        () -> vms.injectNmi("vm1", false));

    assertTrue(e.getMessage().startsWith("cannot inject an NMI into VM 'vm1': md is reshaping"
        + " md127 (40.0 % done)"), e.getMessage());
    assertTrue(e.getMessage().endsWith(", or pass interrupt_reshape (raidctl fault vm1 --nmi"
        + " --interrupt-reshape) to do it anyway"), e.getMessage());
    assertEquals(List.of(), events);
    vms.detachAll();
    assertEquals("the client hung up before > {\"execute\":\"inject-nmi\",\"id\":\"c2\"}",
        qemu.awaitEnd());
  }

  @Test
  void nmi_ofAStoppedVm_isRefused() {
    vm("vm1", "d1");
    assertEquals("VM 'vm1' is not running: an NMI goes to a running guest",
        refused(RaidvmException.Kind.FAILED_PRECONDITION, () -> vms.injectNmi("vm1", false))
            .getMessage());
  }

  @Test
  void aPulledDisk_isLeftOutOfTheNextLaunch() {
    vm("vm1", "d1", "d2");
    store.writeSpec(store.read("vm1").toBuilder().addPulledDisks("d2").build());

    assertThrows(RaidvmException.class, () -> vms.start("vm1", true, java.time.Duration.ZERO));

    String argv = String.join(" ", runner.argvOf("qemu-system-x86_64"));
    assertEquals(true, argv.contains("\"serial\":\"d1\""), argv);
    assertEquals(false, argv.contains("d2.qcow2"), argv);
  }

  @Test
  void aPulledDisk_goesBackInWithAttach_orOutOfTheSpecWithDetach() {
    vm("vm1", "d1", "d2");
    store.writeSpec(store.read("vm1").toBuilder().addPulledDisks("d2").build());
    vm("vm2", "d3");
    assertEquals("disk 'd2' is attached to VM 'vm1': a disk serves one VM; detach it there"
        + " first (raidctl disk detach vm1 d2)",
        refused(RaidvmException.Kind.FAILED_PRECONDITION, () -> vms.attachDisk("vm2", "d2"))
            .getMessage());

    vms.attachDisk("vm1", "d2");
    assertEquals(List.of("d1", "d2"), disksOf("vm1"));
    assertEquals(List.of(), store.read("vm1").getPulledDisksList());

    store.writeSpec(store.read("vm1").toBuilder().addPulledDisks("d2").build());
    vms.detachDisk("vm1", "d2", false);
    assertEquals(List.of("d1"), disksOf("vm1"));
    assertEquals(List.of(), store.read("vm1").getPulledDisksList());
    assertEquals(List.of(
        "vm1 DISK_ATTACHED d2: plugged in again at the next start (it was pulled; the VM is"
            + " stopped)",
        "vm1 DISK_DETACHED d2: from the spec (the VM is stopped)"), events);
  }

  @Test
  void pull_ofAStoppedVm_andWorkOnTheDiskOfARunningOne_areRefused() throws Exception {
    vm("vm1", "d1", "d2");
    assertEquals("VM 'vm1' is not running: a pull takes a disk from a running VM (raidctl disk"
        + " detach vm1 d2 takes it out of a stopped VM's spec)",
        refused(RaidvmException.Kind.FAILED_PRECONDITION, () -> vms.pullDisk("vm1", "d2"))
            .getMessage());
    refused(RaidvmException.Kind.INVALID_ARGUMENT, () -> vms.pullDisk("vm1", "os"));
    refused(RaidvmException.Kind.FAILED_PRECONDITION, () -> vms.pullDisk("vm1", "d3"));
    assertEquals("d2.qcow2", vms.onStoppedVmDisk("vm1", "d2", "corrupted",
        path -> path.getFileName().toString()));
    refused(RaidvmException.Kind.INVALID_ARGUMENT,
        () -> vms.onStoppedVmDisk("vm1", "os", "corrupted", path -> path));

    QmpTranscript qemu = running("hotplug/detach-d2.qmp");
    assertEquals("VM 'vm1' runs: disk 'd2' can be corrupted only while its VM is stopped (the"
        + " guest's writes and the host's would race); stop it first (raidctl vm stop vm1)",
        refused(RaidvmException.Kind.FAILED_PRECONDITION, () -> vms.onStoppedVmDisk("vm1", "d2",
            "corrupted", path -> {
              throw new AssertionError("ran on a running VM's disk");
            })).getMessage());
    assertEquals(List.of(), store.read("vm1").getPulledDisksList());
    assertEquals(List.of(), events);
    vms.detachAll();
    qemu.awaitEnd();
    assertEquals(List.of("qmp_capabilities"), qemu.received());
  }
}
