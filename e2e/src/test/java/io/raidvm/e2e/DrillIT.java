package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.ListBlockDevicesRequest;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.controller.v1.AttachDiskRequest;
import io.raidvm.api.controller.v1.AttachDiskResponse;
import io.raidvm.api.controller.v1.CreateDiskRequest;
import io.raidvm.api.controller.v1.DetachDiskRequest;
import io.raidvm.api.controller.v1.DetachDiskResponse;
import io.raidvm.api.controller.v1.DrillEvent;
import io.raidvm.api.controller.v1.DrillOutcome;
import io.raidvm.api.controller.v1.DrillReport;
import io.raidvm.api.controller.v1.DrillRequest;
import io.raidvm.api.controller.v1.FaultKind;
import io.raidvm.api.controller.v1.FaultRequest;
import io.raidvm.api.controller.v1.FaultResponse;
import io.raidvm.api.controller.v1.GetVmRequest;
import io.raidvm.api.controller.v1.VmState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real disk failures in one VM (two boots): a fresh disk hot-plugged and pulled out again, seen
 * (and then not seen) by the guest by its serial; the controller's drill on a RAID 5 (a pull
 * detected, replaced, rebuilt, files intact, scrub clean); a corruption from the host found by a
 * check and repaired; and a second pull during a rebuild, reported as data loss. The methods run
 * in order on one array.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrillIT {

  private static final Duration SOON = Duration.ofMinutes(1);
  /** md's first words about a member that went away. */
  private static final Set<String> NOTICED = Set.of("FAIL", "DEGRADED_ARRAY",
      "DEVICE_DISAPPEARED", "DEVICE_REMOVED");
  /** md's words about the member itself. */
  private static final Set<MdEvent.Kind> LOST = Set.of(MdEvent.Kind.FAIL,
      MdEvent.Kind.DEVICE_DISAPPEARED, MdEvent.Kind.DEVICE_REMOVED);
  private RaidVm vm;
  private Raid5Drill drill;

  @BeforeAll
  void bootTheVm() throws Exception {
    vm = RaidVm.boot("drill", List.of("x1"), "64M");
    drill = new Raid5Drill(vm);
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

  private static Set<String> steps(Raid5Drill.Run run) {
    return run.steps().stream().map(DrillEvent::getStep).collect(Collectors.toSet());
  }

  private static double seconds(com.google.protobuf.Duration d) {
    return d.getSeconds() + d.getNanos() / 1e9;
  }

  /**
   * The controller's drill on a RAID 5 of three hot-plugged disks: one pulled from the host (md
   * finds out on its own, and the watch shows the controller's DISK_PULLED, then md's own
   * events), replaced by a new disk file, rebuilt, files intact, scrub clean. Refusals first:
   * the OS disk, a disk that holds no member, an array that does not exist.
   */
  @Test
  @Order(2)
  void drill_pullOnRaid5_isDetectedReplacedRebuiltAndReported() throws Exception {
    drill.create(List.of("p1", "p2", "p3"));
    Checks.assertCode(Status.Code.INVALID_ARGUMENT, () -> drill.drill(DrillRequest.newBuilder()
        .setDisk("os")));
    Checks.assertCode(Status.Code.INVALID_ARGUMENT, () -> drill.drill(DrillRequest.newBuilder()
        .setDisk("x1")));
    Checks.assertCode(Status.Code.NOT_FOUND, () -> vm.stubs.drills().drill(DrillRequest
        .newBuilder().setVm(vm.name).setArray("md3").build()).hasNext());

    try (EventStream watch = vm.watch("", 0)) {
      Raid5Drill.Run run = drill.drill(DrillRequest.newBuilder().setDisk("p2").setNewDisk("p4"));
      DrillReport r = run.report();
      System.out.printf("drill: detection latency %.2f s (%s); rebuild %.1f s, %.2f MiB/s;"
          + " mismatches %d; files intact %s%n", seconds(r.getDetectionLatency()),
          r.getDetectedBy(), seconds(r.getRebuildTime()), r.getRebuildMibPerS(),
          r.getMismatchCount(), r.getFilesIntact());
      assertEquals(DrillOutcome.SURVIVED, r.getOutcome(), r.getNextSteps());
      assertTrue(r.getFilesIntact() && r.getFailedFilesCount() == 0, r.toString());
      assertEquals(3, r.getFilesWritten());
      assertTrue(r.getScrubbed(), r.toString());
      assertEquals(0, r.getMismatchCount(), "scrub clean");
      assertTrue(NOTICED.contains(r.getDetectedBy()), r.getDetectedBy());
      assertTrue(r.getRebuildMibPerS() > 0 && r.getMemberSizeBytes() > 0, r.toString());
      assertTrue(steps(run).containsAll(Set.of("files", "fault", "detect", "replace", "rebuild",
          "verify", "scrub")), run.steps().toString());
      assertTrue(run.steps().stream().anyMatch(DrillEvent::hasProgress),
          "progress streamed while the rebuild and the scrub ran");

      // The watch: md's own word about the member (Fail, DeviceDisappeared, or DeviceRemoved
      // when the agent's poll saw it gone at once), then DegradedArray; and the controller's
      // DISK_PULLED. Not in a fixed order with md's: the controller records it after QEMU's
      // DEVICE_DELETED, blockdev-del and the spec write, and on a loaded host the guest's md has
      // spoken by then (CI: SNAPSHOT, FAIL, DEVICE_DISAPPEARED, DEGRADED_ARRAY, then DISK_PULLED).
      List<WatchEvent> events = new ArrayList<>(watch.until(e -> e.hasMd()
          && e.getMd().getKind() == MdEvent.Kind.DEGRADED_ARRAY, SOON).stream()
          .map(EventStream.Received::event).toList());
      if (indexOf(events, vmEvent(VmEvent.Kind.DISK_PULLED, "p2")) < 0) {
        events.addAll(watch.until(vmEvent(VmEvent.Kind.DISK_PULLED, "p2"), SOON).stream()
            .map(EventStream.Received::event).toList());
      }
      int lost = indexOf(events, e -> e.hasMd() && LOST.contains(e.getMd().getKind()));
      int degraded = indexOf(events, e -> e.hasMd()
          && e.getMd().getKind() == MdEvent.Kind.DEGRADED_ARRAY);
      assertTrue(lost >= 0 && degraded > lost
          && indexOf(events, vmEvent(VmEvent.Kind.DISK_PULLED, "p2")) >= 0,
          "the member lost, then DegradedArray, and DISK_PULLED: " + events.stream()
              .map(e -> e.hasVm() ? e.getVm().getKind().name() : e.hasMd()
                  ? e.getMd().getKind().name() : e.getBodyCase().name()).toList());
    }
    assertEquals(List.of("p2"), vm.stubs.vms().getVm(GetVmRequest.newBuilder()
        .setName(vm.name).build()).getSpec().getPulledDisksList());
    Array healthy = drill.array();
    assertEquals(0, healthy.getDegraded(), healthy.getSummary());
    assertEquals(3, healthy.getActiveDevices(), healthy.toString());
  }

  private static int indexOf(List<WatchEvent> events, Predicate<WatchEvent> which) {
    for (int i = 0; i < events.size(); i++) {
      if (which.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The controller's drill of silent corruption: the VM stopped, garbage written into p1's data
   * area from the host, the VM started again; a check finds mismatches, a repair makes parity
   * agree (a check after it finds none), and the report's outcome follows the files — a file
   * the garbage hit stays bad, since RAID 5 cannot tell which chunk was wrong.
   */
  @Test
  @Order(3)
  void drill_corruptionOnRaid5_isFoundByACheck_repaired_andReportedForWhatMdCanTell()
      throws Exception {
    Checks.assertCode(Status.Code.INVALID_ARGUMENT, () -> fault(FaultKind.CORRUPT, "os"));
    Checks.assertCode(Status.Code.INVALID_ARGUMENT, () -> drill.drill(DrillRequest.newBuilder()
        .setFault(FaultKind.CORRUPT).setSecondFault(true)));
    Raid5Drill.Run run = drill.drill(DrillRequest.newBuilder().setFault(FaultKind.CORRUPT)
        .setDisk("p1"));
    DrillReport r = run.report();
    System.out.printf("drill: corruption of 64 KiB: the check found %d mismatched sectors in"
        + " %.1f s, the repair took %.1f s, a check after it %d; files intact %s (failed: %s);"
        + " %s%n", r.getMismatchesFound(), seconds(r.getDetectionLatency()),
        seconds(r.getRebuildTime()), r.getMismatchCount(), r.getFilesIntact(),
        r.getFailedFilesList(), r.getOutcome());
    assertTrue(r.getMismatchesFound() > 0, "the check finds the corruption: " + r);
    assertTrue(r.getScrubbed(), r.toString());
    assertEquals(0, r.getMismatchCount(), "parity agrees after the repair");
    assertEquals(r.getFailedFilesCount() == 0, r.getFilesIntact(), r.toString());
    assertEquals(r.getFilesIntact() ? DrillOutcome.SURVIVED : DrillOutcome.DATA_LOSS,
        r.getOutcome(), r.getNextSteps());
    assertTrue(steps(run).containsAll(Set.of("files", "fault", "detect", "rebuild", "verify",
        "scrub")), run.steps().toString());
    assertEquals(VmState.READY, vm.stubs.vms().getVm(GetVmRequest.newBuilder()
        .setName(vm.name).build()).getState());
  }

  private FaultResponse fault(FaultKind kind, String disk) {
    return vm.stubs.vms().withDeadlineAfter(3, TimeUnit.MINUTES).fault(FaultRequest.newBuilder()
        .setName(vm.name).setDisk(disk).setKind(kind).setSeed(7).build());
  }

  /**
   * A second member pulled while the new disk rebuilds (the rebuild capped at md's floor of
   * 1000 KiB/s, so that the pull lands inside it): a RAID 5 cannot survive that, and the report
   * says data loss — the array failed, the files no longer verify — never success.
   */
  @Test
  @Order(4)
  void drill_secondFaultDuringTheRebuildOfARaid5_isReportedAsDataLoss() throws Exception {
    Raid5Drill.Run run = drill.drill(DrillRequest.newBuilder().setDisk("p4").setNewDisk("p5")
        .setSecondFault(true).setRebuildSpeedMaxKibPerS(1000));
    DrillReport r = run.report();
    System.out.printf("drill: second fault (%s) during the rebuild: %s; array %s (%s); failed"
        + " files %s%n", r.getSecondDisk(), r.getOutcome(), r.getArrayState(),
        r.getArraySummary(), r.getFailedFilesList());
    assertEquals(DrillOutcome.DATA_LOSS, r.getOutcome(), r.toString());
    assertFalse(r.getFilesIntact(), r.toString());
    assertEquals(r.getFilesWritten(), r.getFailedFilesCount(), "no file verifies: " + r);
    assertFalse(r.getSecondDisk().isEmpty(), r.toString());
    assertFalse(r.getScrubbed(), "no scrub on a failed array");
    assertTrue(r.getNextSteps().startsWith("DATA LOSS"), r.getNextSteps());
    assertTrue(steps(run).contains("second-fault"), run.steps().toString());
  }
}
