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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real disk failures, step one: a fresh disk hot-plugged into a running VM and pulled out again,
 * seen (and then not seen) by the guest by its serial, with the controller's events for both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
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
}
