package io.raidvm.e2e;

import static io.raidvm.e2e.Checks.assertCode;
import static io.raidvm.e2e.Checks.secondsSince;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.api.agent.v1.AddFstabEntryRequest;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.AwaitBootRequest;
import io.raidvm.api.agent.v1.BenchmarkRequest;
import io.raidvm.api.agent.v1.BenchmarkResult;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.BootGrpc;
import io.raidvm.api.agent.v1.CheckFilesystemRequest;
import io.raidvm.api.agent.v1.ChecksumFilesRequest;
import io.raidvm.api.agent.v1.ConfigChange;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.DisksGrpc;
import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.api.agent.v1.FilesGrpc;
import io.raidvm.api.agent.v1.FilesystemsGrpc;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.GetOperationRequest;
import io.raidvm.api.agent.v1.GetUsageRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.ListBlockDevicesRequest;
import io.raidvm.api.agent.v1.MakeFilesystemRequest;
import io.raidvm.api.agent.v1.Member;
import io.raidvm.api.agent.v1.MountRequest;
import io.raidvm.api.agent.v1.MountedFilesystem;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.OperationsGrpc;
import io.raidvm.api.agent.v1.PartitionRequest;
import io.raidvm.api.agent.v1.PartitionResult;
import io.raidvm.api.agent.v1.PersistArrayRequest;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.agent.v1.ReplaceMemberRequest;
import io.raidvm.api.agent.v1.SetSyncActionRequest;
import io.raidvm.api.agent.v1.UnmountRequest;
import io.raidvm.api.agent.v1.UpdateInitramfsRequest;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.agent.v1.WriteTestFileRequest;
import io.raidvm.api.controller.v1.CreateDiskRequest;
import io.raidvm.api.controller.v1.CreateVmRequest;
import io.raidvm.api.controller.v1.FaultKind;
import io.raidvm.api.controller.v1.FaultRequest;
import io.raidvm.api.controller.v1.FaultResponse;
import io.raidvm.api.controller.v1.GetVmRequest;
import io.raidvm.api.controller.v1.Image;
import io.raidvm.api.controller.v1.RebootVmRequest;
import io.raidvm.api.controller.v1.StartVmRequest;
import io.raidvm.api.controller.v1.StopVmRequest;
import io.raidvm.api.controller.v1.Vm;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.api.controller.v1.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The howto "mdadm RAID 5 on QEMU", every step, through the controller's gRPC API, in a real VM
 * under TCG with four 64 MiB data disks. The steps run in order on one VM and one array.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedScenarioIT {

  private static final String VM = "seed";
  private static final List<String> DISKS = List.of("d1", "d2", "d3", "d4");
  private static final String MOUNT = "/mnt/md127";

  private ControllerProcess controller;
  private ManagedChannel channel;
  private Stubs stubs;
  private final List<String> figures = new ArrayList<>();
  private List<FileChecksum> written = new ArrayList<>();

  @BeforeAll
  void bootTheVm() throws Exception {
    assertEquals("root", System.getProperty("user.name"), "run the VM tests as root");
    Path stateDir = TestFolders.create("raidvm-seed-");
    Path imageDir = Path.of(System.getProperty("raidvm.image.dir", "/var/cache/raidvm/images"));
    controller = new ControllerProcess(stateDir, imageDir).start();
    channel = controller.channel();
    stubs = new Stubs(channel);
    Image image = stubs.buildImage();
    for (String d : DISKS) {
      stubs.disks().createDisk(CreateDiskRequest.newBuilder().setName(d).setSize("64M").build());
    }
    stubs.vms().createVm(CreateVmRequest.newBuilder().setSpec(VmSpec.newBuilder().setName(VM)
        .setImage(Stubs.vmImage(image)).addAllDataDisks(DISKS)).build());
    long t0 = System.nanoTime();
    Vm vm = stubs.vms().withDeadlineAfter(15, TimeUnit.MINUTES)
        .startVm(StartVmRequest.newBuilder().setName(VM).build());
    assertEquals(VmState.READY, vm.getState());
    figure("boot to agent ready", t0);
  }

  @AfterAll
  void stopTheVm() throws Exception {
    try {
      stubs.vms().withDeadlineAfter(5, TimeUnit.MINUTES)
          .stopVm(StopVmRequest.newBuilder().setName(VM).build());
    } catch (StatusRuntimeException e) {
      System.out.println("stopping the seed VM: " + e.getStatus());
    } finally {
      channel.shutdownNow();
      controller.stop();
      System.out.println("== seed scenario, wall time per step (TCG, this machine):");
      figures.forEach(f -> System.out.println("   " + f));
    }
  }

  @Test
  @Order(1)
  void benchmark_measuresEachDataDisk() {
    long t0 = System.nanoTime();
    for (String d : DISKS) {
      BenchmarkResult r = disks().benchmark(BenchmarkRequest.newBuilder().setDevice(d).build());
      assertTrue(r.getCachedReadMbPerS() > 0, d + ": " + r);
      assertTrue(r.getBufferedReadMbPerS() > 0, d + ": " + r);
    }
    figure("benchmark 4 disks", t0);
  }

  @Test
  @Order(2)
  void partition_makesOneAlignedRaidPartitionPerDisk_andRefusesWhatItMustNot() {
    long t0 = System.nanoTime();
    for (String d : DISKS) {
      PartitionResult r = disks().partition(PartitionRequest.newBuilder().setDevice(d).build());
      assertTrue(r.getAligned(), d + ": " + r);
      assertEquals(2048, r.getStartSector(), d);
      assertTrue(r.getPartition().matches("/dev/sd[a-z]1"), r.getPartition());
    }
    figure("partition 4 disks", t0);

    assertCode(Status.Code.FAILED_PRECONDITION, () -> disks().partition(
        PartitionRequest.newBuilder().setDevice("d1").build()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> disks().partition(
        PartitionRequest.newBuilder().setDevice("d1;reboot").build()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> disks().partition(
        PartitionRequest.newBuilder().setDevice("/dev/../etc/passwd").build()));
    assertCode(Status.Code.NOT_FOUND, () -> disks().partition(
        PartitionRequest.newBuilder().setDevice("nosuchdisk").build()));
    String osDisk = osDisk();
    assertCode(Status.Code.FAILED_PRECONDITION, () -> disks().partition(
        PartitionRequest.newBuilder().setDevice(osDisk).setForce(true).build()));
    assertEquals(1, disk("d1").getPartitionsCount(), "the refused calls changed nothing");
  }

  @Test
  @Order(3)
  void createRaid5_runsTheInitialSync_andEndsClean() {
    assertCode(Status.Code.INVALID_ARGUMENT, () -> raid().createArray(create()
        .clearDevices().addDevices("d1-part1").addDevices("d2-part1").build()));
    assertFalse(disk("d1").getPartitions(0).getMdMemberOfCount() > 0, "nothing was created");

    long t0 = System.nanoTime();
    Operation op = raid().createArray(create().build());
    assertEquals("create-array", op.getKind());
    Operation done = await(op);
    figure("create RAID 5 + initial sync", t0);
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());

    Array a = array();
    assertEquals("raid5", a.getLevel());
    assertEquals("1.0", a.getMetadata());
    assertEquals(512, a.getChunkKib());
    assertEquals(4, a.getRaidDevices());
    assertEquals(0, a.getDegraded());
    assertEquals(4, a.getMembersList().stream().filter(m -> m.getState().equals("active"))
        .count(), a.toString());
    assertEquals("idle", a.getSync().getAction());
  }

  @Test
  @Order(4)
  void mkfsAndMount_giveAUsableFilesystem() {
    long t0 = System.nanoTime();
    Operation done = await(fs().makeFilesystem(MakeFilesystemRequest.newBuilder()
        .setDevice("md127").setType("ext4").build()));
    figure("mkfs.ext4", t0);
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertFalse(done.getFilesystem().getUuid().isEmpty());
    assertCode(Status.Code.FAILED_PRECONDITION, () -> fs().makeFilesystem(
        MakeFilesystemRequest.newBuilder().setDevice("md127").build()));

    MountedFilesystem m = fs().mount(MountRequest.newBuilder().setDevice("md127")
        .setMountPoint(MOUNT).build());
    assertEquals(MOUNT, m.getMountPoint());
    assertTrue(m.getSizeBytes() > 150L << 20, "3 data disks' worth: " + m.getSizeBytes());
    assertCode(Status.Code.INVALID_ARGUMENT, () -> fs().mount(MountRequest.newBuilder()
        .setDevice("md127").setMountPoint("/etc").build()));
  }

  @Test
  @Order(5)
  void filesWritten_haveTheirChecksums() {
    written = new ArrayList<>();
    long[] sizes = {1 << 20, 4 << 20, 7 << 20};
    for (int i = 0; i < sizes.length; i++) {
      written.add(files().writeTestFile(WriteTestFileRequest.newBuilder()
          .setPath(MOUNT + "/file-" + i + ".bin").setSizeBytes(sizes[i]).setSeed(i).build()));
    }
    assertEquals(written, checksums());
  }

  @Test
  @Order(6)
  void persist_writesMdadmConfAndFstabOnce_andUpdatesTheInitramfs() {
    ConfigChange conf = boot().persistArray(PersistArrayRequest.newBuilder().setArray("md127")
        .build());
    assertTrue(conf.getChanged());
    assertTrue(conf.getLine().startsWith("ARRAY /dev/md127"), conf.getLine());
    assertFalse(boot().persistArray(PersistArrayRequest.newBuilder().setArray("md127").build())
        .getChanged(), "a second persist changes nothing");

    ConfigChange fstab = boot().addFstabEntry(AddFstabEntryRequest.newBuilder()
        .setDevice("md127").setMountPoint(MOUNT).build());
    assertTrue(fstab.getChanged());
    assertTrue(fstab.getLine().startsWith("UUID="), fstab.getLine());
    assertTrue(fstab.getLine().contains("defaults,nofail,discard"), fstab.getLine());
    assertFalse(boot().addFstabEntry(AddFstabEntryRequest.newBuilder().setDevice("md127")
        .setMountPoint(MOUNT).build()).getChanged());

    long t0 = System.nanoTime();
    Operation done = await(boot().updateInitramfs(UpdateInitramfsRequest.getDefaultInstance()));
    figure("update-initramfs -u", t0);
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
  }

  @Test
  @Order(7)
  void reboot_bringsTheArrayBackUnderItsName_mounted_withTheSameData() {
    String uuid = array().getUuid();
    long t0 = System.nanoTime();
    Vm vm = stubs.vms().withDeadlineAfter(15, TimeUnit.MINUTES)
        .rebootVm(RebootVmRequest.newBuilder().setName(VM).build());
    figure("reboot to agent ready", t0);
    assertEquals(VmState.READY, vm.getState());

    Array a = array();
    assertEquals(uuid, a.getUuid());
    assertEquals(0, a.getDegraded());
    MountedFilesystem m = fs().getUsage(GetUsageRequest.newBuilder().setTarget(MOUNT).build());
    assertEquals(MOUNT, m.getMountPoint());
    assertTrue(m.getDevice().endsWith("md127"), m.getDevice());
    assertEquals(written, checksums());
  }

  /**
   * A guest kernel crash, rehearsed as libvirt users do it (virsh inject-nmi): the kernel panics,
   * says so through pvpanic (a CRASHED event), resets itself, and the controller starts QEMU
   * again; the persisted array comes back under its name, mounted, with the same data. The scrub
   * that follows checks the parity.
   */
  @Test
  @Order(8)
  void kernelCrash_theGuestComesBackByItself_withTheArrayMountedAndTheSameData()
      throws Exception {
    String uuid = array().getUuid();
    long t0 = System.nanoTime();
    try (EventStream watch = EventStream.open(channel, VM, "", 0)) {
      FaultResponse nmi = stubs.vms().fault(FaultRequest.newBuilder().setName(VM)
          .setKind(FaultKind.NMI).build());
      assertEquals(FaultKind.NMI, nmi.getKind(), nmi.toString());
      WatchEvent crashed = last(watch.until(e -> e.getVm().getKind() == VmEvent.Kind.CRASHED,
          Duration.ofMinutes(2)));
      assertTrue(crashed.getVm().getDetail().contains("GUEST_PANICKED"), crashed.toString());
      watch.until(e -> e.getVm().getKind() == VmEvent.Kind.STARTED, Duration.ofMinutes(5));
    }
    Checks.eventually(Duration.ofMinutes(10), () -> {
      VmState state = stubs.vms().getVm(GetVmRequest.newBuilder().setName(VM).build())
          .getState();
      if (state != VmState.READY) {
        throw new IllegalStateException("VM state " + state);
      }
      return state;
    });
    boot().withDeadlineAfter(10, TimeUnit.MINUTES).awaitBoot(AwaitBootRequest
        .getDefaultInstance());
    figure("NMI (kernel panic) to agent ready", t0);

    Array a = Checks.eventually(Duration.ofMinutes(5), () -> {
      Array now = array();
      if (!now.getSync().getAction().equals("idle")) {
        throw new IllegalStateException("sync_action " + now.getSync().getAction());
      }
      return now;
    });
    assertEquals(uuid, a.getUuid());
    assertEquals(0, a.getDegraded(), a.toString());
    MountedFilesystem m = fs().getUsage(GetUsageRequest.newBuilder().setTarget(MOUNT).build());
    assertEquals(MOUNT, m.getMountPoint());
    assertEquals(written, checksums());
  }

  private static WatchEvent last(List<EventStream.Received> events) {
    return events.get(events.size() - 1).event();
  }

  @Test
  @Order(9)
  void check_scrubsTheArray_andFindsNoMismatch() {
    long t0 = System.nanoTime();
    Operation done = await(raid().setSyncAction(SetSyncActionRequest.newBuilder()
        .setArray("md127").setAction(SetSyncActionRequest.Action.CHECK).build()));
    figure("check (scrub)", t0);
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertEquals(0, done.getArray().getMismatchCount());
    assertEquals(0, array().getMismatchCount());
  }

  @Test
  @Order(10)
  void fsck_unmountsChecksAndRemounts() {
    long t0 = System.nanoTime();
    Operation done = await(fs().checkFilesystem(CheckFilesystemRequest.newBuilder()
        .setDevice("md127").build()));
    figure("e2fsck -f (unmount, check, remount)", t0);
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertEquals(0, done.getFilesystemCheck().getExitCode(), done.getFilesystemCheck().getOutput());
    assertTrue(done.getFilesystemCheck().getRemounted());
    assertEquals(MOUNT, fs().getUsage(GetUsageRequest.newBuilder().setTarget(MOUNT).build())
        .getMountPoint());
  }

  @Test
  @Order(11)
  void replaceMember_rebuildsTheArray_andTheDataIsIntact() {
    long t0 = System.nanoTime();
    Operation done = await(raid().replaceMember(ReplaceMemberRequest.newBuilder()
        .setArray("md127").setDevice("d2-part1").build()));
    figure("replace d2 (fail, remove, zero, partition, add, recover)", t0);
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());

    Array a = array();
    assertEquals(0, a.getDegraded(), a.toString());
    assertEquals(4, a.getMembersList().stream().map(Member::getState)
        .filter("active"::equals).count(), a.toString());
    assertEquals(written, checksums());
    assertCode(Status.Code.INVALID_ARGUMENT, () -> fs().unmount(UnmountRequest.newBuilder()
        .setTarget("/").build()));
  }

  // --- helpers ---------------------------------------------------------------------------

  private CreateArrayRequest.Builder create() {
    return CreateArrayRequest.newBuilder().setArray("md127").setLevel("raid5").setChunkKib(512)
        .setMetadata("1.0").setBitmap(Bitmap.BITMAP_NONE)
        .addAllDevices(DISKS.stream().map(d -> d + "-part1").toList());
  }

  /** Follows an operation to its end, checking that its progress never goes backwards. */
  private Operation await(Operation started) {
    Iterator<Operation> updates = ops().withDeadlineAfter(30, TimeUnit.MINUTES)
        .waitOperation(GetOperationRequest.newBuilder().setId(started.getId()).build());
    Operation last = started;
    double percent = 0;
    while (updates.hasNext()) {
      last = updates.next();
      assertTrue(last.getProgress().getPercent() >= percent, "progress only rises: " + last);
      percent = last.getProgress().getPercent();
    }
    assertTrue(last.getState() != Operation.State.RUNNING, "the stream ends with the end");
    return last;
  }

  private Array array() {
    return raid().getArray(GetArrayRequest.newBuilder().setArray("md127").build());
  }

  private List<FileChecksum> checksums() {
    return files().checksumFiles(ChecksumFilesRequest.newBuilder().setPath(MOUNT).build())
        .getFilesList();
  }

  private BlockDevice disk(String serial) {
    return agent().listBlockDevices(ListBlockDevicesRequest.getDefaultInstance())
        .getDevicesList().stream().filter(d -> d.getSerial().equals(serial)).findFirst()
        .orElseThrow();
  }

  private String osDisk() {
    return agent().listBlockDevices(ListBlockDevicesRequest.getDefaultInstance())
        .getDevicesList().stream().filter(d -> d.getOsDisk() && d.getType().equals("disk"))
        .findFirst().orElseThrow().getPath();
  }

  private void figure(String step, long t0) {
    figures.add(String.format("%-55s %7.1f s", step, secondsSince(t0)));
  }

  private GuestAgentGrpc.GuestAgentBlockingStub agent() {
    return stubs.agent(VM, GuestAgentGrpc::newBlockingStub);
  }

  private DisksGrpc.DisksBlockingStub disks() {
    return stubs.agent(VM, DisksGrpc::newBlockingStub).withDeadlineAfter(5, TimeUnit.MINUTES);
  }

  private RaidGrpc.RaidBlockingStub raid() {
    return stubs.agent(VM, RaidGrpc::newBlockingStub).withDeadlineAfter(5, TimeUnit.MINUTES);
  }

  private FilesystemsGrpc.FilesystemsBlockingStub fs() {
    return stubs.agent(VM, FilesystemsGrpc::newBlockingStub);
  }

  private FilesGrpc.FilesBlockingStub files() {
    return stubs.agent(VM, FilesGrpc::newBlockingStub);
  }

  private BootGrpc.BootBlockingStub boot() {
    return stubs.agent(VM, BootGrpc::newBlockingStub);
  }

  private OperationsGrpc.OperationsBlockingStub ops() {
    return stubs.agent(VM, OperationsGrpc::newBlockingStub);
  }
}
