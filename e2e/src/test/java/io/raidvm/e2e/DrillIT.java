package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.ListBlockDevicesRequest;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.controller.v1.AttachDiskRequest;
import io.raidvm.api.controller.v1.AttachDiskResponse;
import io.raidvm.api.controller.v1.CreateDiskRequest;
import io.raidvm.api.controller.v1.DetachDiskRequest;
import io.raidvm.api.controller.v1.DetachDiskResponse;
import io.raidvm.api.controller.v1.GetVmRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.ChecksumFilesRequest;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.DisksGrpc;
import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.api.agent.v1.FilesGrpc;
import io.raidvm.api.agent.v1.FilesystemsGrpc;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.MakeFilesystemRequest;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.MountRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.PartitionRequest;
import io.raidvm.api.agent.v1.ReplaceMemberRequest;
import io.raidvm.api.agent.v1.ResumeSyncRequest;
import io.raidvm.api.agent.v1.SetSyncActionRequest;
import io.raidvm.api.agent.v1.UnmountRequest;
import io.raidvm.api.agent.v1.WriteTestFileRequest;
import io.raidvm.api.controller.v1.FaultKind;
import io.raidvm.api.controller.v1.FaultRequest;
import io.raidvm.api.controller.v1.FaultResponse;
import io.raidvm.api.controller.v1.StartVmRequest;
import io.raidvm.api.controller.v1.StopVmRequest;
import io.raidvm.api.controller.v1.VmState;
import java.util.ArrayList;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real disk failures, step one: a fresh disk hot-plugged into a running VM and pulled out again,
 * seen (and then not seen) by the guest by its serial, with the controller's events for both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrillIT {

  private static final Duration SOON = Duration.ofMinutes(1);
  private RaidVm vm;

  @BeforeAll
  void bootTheVm() throws Exception {
    vm = RaidVm.boot("drill", List.of("x1"), "64M");
  }

  @AfterAll
  void stopTheVm() throws Exception {
    vm.close();
  }

  private Optional<BlockDevice> guestDisk(String serial) {
    return vm.stubs.agent(vm.name, GuestAgentGrpc::newBlockingStub)
        .withDeadlineAfter(1, TimeUnit.MINUTES)
        .listBlockDevices(ListBlockDevicesRequest.getDefaultInstance()).getDevicesList().stream()
        .filter(d -> d.getSerial().equals(serial)).findFirst();
  }

  private static Predicate<WatchEvent> vmEvent(VmEvent.Kind kind, String disk) {
    return e -> e.hasVm() && e.getVm().getKind() == kind && e.getVm().getDisk().equals(disk);
  }

  private List<String> specDisks() {
    return vm.stubs.vms().getVm(GetVmRequest.newBuilder().setName(vm.name).build()).getSpec()
        .getDataDisksList();
  }

  @Test
  @Order(1)
  void hotPlug_aFreshDiskIsSeenByTheGuestBySerial_andGoneAfterTheDetach() throws Exception {
    vm.stubs.disks().createDisk(CreateDiskRequest.newBuilder().setName("x2").setSize("64M")
        .build());
    Checks.assertCode(Status.Code.INVALID_ARGUMENT, () -> vm.stubs.vms().detachDisk(
        DetachDiskRequest.newBuilder().setName(vm.name).setDisk("os").build()));

    try (EventStream watch = vm.watch("", 0)) {
      long start = System.nanoTime();
      AttachDiskResponse attached = vm.stubs.vms().withDeadlineAfter(5, TimeUnit.MINUTES)
          .attachDisk(AttachDiskRequest.newBuilder().setName(vm.name).setDisk("x2").build());
      System.out.printf("attach of x2: %.1f s, scsi-id %d, guest device %s%n",
          Checks.secondsSince(start), attached.getScsiId(), attached.getGuestDevice());
      assertTrue(attached.getHotPlugged(), attached.toString());
      assertTrue(attached.getGuestDevice().startsWith("/dev/sd"), attached.toString());
      BlockDevice seen = guestDisk("x2").orElseThrow(
          () -> new AssertionError("blk list has no disk with serial x2"));
      assertEquals(attached.getGuestDevice(), seen.getPath());
      assertEquals(64L << 20, seen.getSizeBytes());
      assertEquals(List.of("x1", "x2"), specDisks());
      watch.until(vmEvent(VmEvent.Kind.DISK_ATTACHED, "x2"), SOON);

      start = System.nanoTime();
      DetachDiskResponse detached = vm.stubs.vms().withDeadlineAfter(5, TimeUnit.MINUTES)
          .detachDisk(DetachDiskRequest.newBuilder().setName(vm.name).setDisk("x2").build());
      assertTrue(detached.getHotUnplugged(), detached.toString());
      watch.until(vmEvent(VmEvent.Kind.DISK_DETACHED, "x2"), SOON);
      Checks.eventually(SOON, () -> {
        guestDisk("x2").ifPresent(d -> {
          throw new IllegalStateException("the guest still lists x2 as " + d.getPath());
        });
        return true;
      });
      System.out.printf("detach of x2 until the guest no longer lists it: %.1f s%n",
          Checks.secondsSince(start));
      assertEquals(List.of("x1"), specDisks());
      assertTrue(guestDisk("x1").isPresent(), "x1 stays");
    }
  }

  private List<FileChecksum> checksums() {
    return vm.stubs.agent(vm.name, FilesGrpc::newBlockingStub)
        .withDeadlineAfter(5, TimeUnit.MINUTES)
        .checksumFiles(ChecksumFilesRequest.newBuilder().setPath("/mnt/drill").build())
        .getFilesList();
  }

  private Operation scrub(SetSyncActionRequest.Action action) {
    return vm.await(vm.raid().setSyncAction(SetSyncActionRequest.newBuilder()
        .setArray(Raid5Drill.ARRAY).setAction(action).build()));
  }

  /**
   * The drill on a RAID 5 of three hot-plugged disks: one pulled from the host (md finds out on
   * its own), replaced by a new disk file, rebuilt, files intact, scrub clean; then, with the VM
   * stopped, garbage written into a member from the host: a check finds mismatches, a repair
   * makes parity agree again.
   */
  @Test
  @Order(2)
  void drill_pullOnRaid5_isDetectedReplacedAndRebuilt_thenACorruptionIsFoundAndRepaired()
      throws Exception {
    Raid5Drill drill = new Raid5Drill(vm);
    drill.create(List.of("p1", "p2", "p3"));
    var fs = vm.stubs.agent(vm.name, FilesystemsGrpc::newBlockingStub)
        .withDeadlineAfter(5, TimeUnit.MINUTES);
    vm.await(fs.makeFilesystem(MakeFilesystemRequest.newBuilder().setDevice("md127").build()));
    fs.mount(MountRequest.newBuilder().setDevice("md127").setMountPoint("/mnt/drill").build());
    List<FileChecksum> written = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      written.add(vm.stubs.agent(vm.name, FilesGrpc::newBlockingStub)
          .withDeadlineAfter(5, TimeUnit.MINUTES).writeTestFile(WriteTestFileRequest
              .newBuilder().setPath("/mnt/drill/file-" + i).setSizeBytes(8L << 20).setSeed(i)
              .build()));
    }
    assertEquals(written, checksums());

    // Pull p2 from the host: the guest is not asked, md must notice on its own.
    Raid5Drill.Detection detected = drill.pull("p2");
    System.out.printf("drill: detection latency %.2f s (first md event %s)%n",
        detected.seconds(), detected.kind());
    assertTrue(detected.seen().stream().anyMatch(r -> r.event().hasVm()
        && r.event().getVm().getKind() == VmEvent.Kind.DISK_PULLED), "DISK_PULLED first");
    assertEquals(List.of("p2"), vm.stubs.vms().getVm(GetVmRequest.newBuilder()
        .setName(vm.name).build()).getSpec().getPulledDisksList());
    Array degraded = drill.awaitDegraded();
    System.out.println("after the pull: " + degraded.getSummary());
    assertEquals(written, checksums(), "the files, read from a degraded array");

    // Replace it by a new disk file (as raidctl raid replace --new-disk p4 --create-size 64M).
    Raid5Drill.Rebuild rebuild = drill.replace("p2-part1", "p4");
    Array healthy = rebuild.array();
    System.out.printf("drill: rebuild %.1f s (attach, partition, add, recovery) of %d MiB per"
        + " member: %.2f MiB/s; %s%n", rebuild.seconds(), rebuild.memberMib(),
        rebuild.mibPerSecond(), healthy.getSummary());
    assertEquals(0, healthy.getDegraded(), healthy.getSummary());
    assertEquals(3, healthy.getActiveDevices(), healthy.toString());
    assertEquals(written, checksums(), "files intact after the rebuild");
    assertEquals(0, scrub(SetSyncActionRequest.Action.CHECK).getArray().getMismatchCount(),
        "scrub clean");

    // Silent corruption: the VM stopped, garbage into p1's data area, a check finds it.
    fs.unmount(UnmountRequest.newBuilder().setTarget("/mnt/drill").build());
    vm.stubs.vms().withDeadlineAfter(5, TimeUnit.MINUTES).stopVm(StopVmRequest.newBuilder()
        .setName(vm.name).build());
    Checks.assertCode(Status.Code.INVALID_ARGUMENT, () -> drill.fault(FaultKind.CORRUPT, "os"));
    FaultResponse corrupted = drill.fault(FaultKind.CORRUPT, "p1");
    System.out.println("corrupt: " + corrupted.getDetail());
    assertEquals(64L << 10, corrupted.getLength());
    assertTrue(corrupted.getDiskOffset() >= corrupted.getDataAreaOffset()
        && corrupted.getDiskOffset() + corrupted.getLength()
            <= corrupted.getDataAreaOffset() + corrupted.getDataAreaLength(), corrupted.toString());
    assertEquals(VmState.READY, vm.stubs.vms().withDeadlineAfter(15, TimeUnit.MINUTES)
        .startVm(StartVmRequest.newBuilder().setName(vm.name).build()).getState());
    Array back = Checks.eventually(Duration.ofMinutes(2), drill::array);
    // Back auto-read-only after the boot: make it read-write so that md runs a check.
    vm.await(vm.raid().resumeSync(ResumeSyncRequest.newBuilder().setArray(Raid5Drill.ARRAY).build()));
    System.out.println("after the restart (p2 left out): " + back.getSummary());
    long mismatches = scrub(SetSyncActionRequest.Action.CHECK).getArray().getMismatchCount();
    long repaired = scrub(SetSyncActionRequest.Action.REPAIR).getArray().getMismatchCount();
    long after = scrub(SetSyncActionRequest.Action.CHECK).getArray().getMismatchCount();
    System.out.printf("drill: corruption of 64 KiB: check found %d mismatched sectors, repair"
        + " rewrote %d, a check after it %d%n", mismatches, repaired, after);
    assertTrue(mismatches > 0, "the check finds the corruption");
    assertEquals(0, after, "parity agrees after the repair");
  }
}
