package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.DisksGrpc;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.PartitionRequest;
import io.raidvm.api.agent.v1.ReplaceMemberRequest;
import io.raidvm.api.controller.v1.AttachDiskRequest;
import io.raidvm.api.controller.v1.AttachDiskResponse;
import io.raidvm.api.controller.v1.CreateDiskRequest;
import io.raidvm.api.controller.v1.FaultKind;
import io.raidvm.api.controller.v1.FaultRequest;
import io.raidvm.api.controller.v1.FaultResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The steps of a drill on a RAID 5 of hot-plugged disks in one running VM, for DrillIT and the
 * drill benchmark: make the array, pull a member from the host and time md's first word about
 * it, replace it by a new disk file and time the rebuild.
 */
final class Raid5Drill {

  static final String ARRAY = "md127";
  /** md's first events about a member that went away. */
  static final Set<MdEvent.Kind> NOTICED = Set.of(MdEvent.Kind.FAIL,
      MdEvent.Kind.DEGRADED_ARRAY, MdEvent.Kind.DEVICE_DISAPPEARED, MdEvent.Kind.DEVICE_REMOVED);

  private final RaidVm vm;

  Raid5Drill(RaidVm vm) {
    this.vm = vm;
  }

  /** Creates a 64 MiB disk and hot-plugs it into the running VM. */
  void attachNew(String disk) {
    vm.stubs.disks().createDisk(CreateDiskRequest.newBuilder().setName(disk).setSize("64M")
        .build());
    AttachDiskResponse attached = vm.stubs.vms().withDeadlineAfter(5, TimeUnit.MINUTES)
        .attachDisk(AttachDiskRequest.newBuilder().setName(vm.name).setDisk(disk).build());
    assertTrue(attached.getHotPlugged(), attached.toString());
  }

  /** New disks, partitioned, made a RAID 5 (no bitmap), its initial sync waited for. */
  void create(List<String> disks) {
    for (String disk : disks) {
      attachNew(disk);
      vm.stubs.agent(vm.name, DisksGrpc::newBlockingStub).withDeadlineAfter(5, TimeUnit.MINUTES)
          .partition(PartitionRequest.newBuilder().setDevice(disk).build());
    }
    vm.await(vm.raid().createArray(CreateArrayRequest.newBuilder().setArray(ARRAY)
        .setLevel("raid5").setBitmap(Bitmap.BITMAP_NONE)
        .addAllDevices(disks.stream().map(d -> d + "-part1").toList()).build()));
  }

  Array array() {
    return vm.raid().getArray(GetArrayRequest.newBuilder().setArray(ARRAY).build());
  }

  FaultResponse fault(FaultKind kind, String disk) {
    return vm.stubs.vms().withDeadlineAfter(3, TimeUnit.MINUTES).fault(FaultRequest.newBuilder()
        .setName(vm.name).setDisk(disk).setKind(kind).setSeed(7).build());
  }

  /** What a pull showed: md's first event about it and how long after the pull it came. */
  record Detection(MdEvent.Kind kind, double seconds, List<EventStream.Received> seen) {}

  /** Pulls {@code disk} from the host and waits (up to 2 min) for md's first event of it. */
  Detection pull(String disk) throws InterruptedException {
    try (EventStream watch = vm.watch("", 0)) {
      long pulledAt = System.nanoTime();
      FaultResponse pulled = fault(FaultKind.PULL, disk);
      System.out.println("pull: " + pulled.getDetail());
      List<EventStream.Received> seen = watch.until(e -> e.hasMd()
          && e.getMd().getArray().equals(ARRAY) && NOTICED.contains(e.getMd().getKind()),
          Duration.ofMinutes(2));
      EventStream.Received first = seen.get(seen.size() - 1);
      return new Detection(first.event().getMd().getKind(), (first.nanos() - pulledAt) / 1e9,
          seen);
    }
  }

  /** Waits until md has dropped a member (one slot missing). */
  Array awaitDegraded() {
    return Checks.eventually(Duration.ofMinutes(1), () -> {
      Array a = array();
      if (a.getDegraded() != 1) {
        throw new IllegalStateException(ARRAY + " not degraded yet: " + a.getSummary());
      }
      return a;
    });
  }

  /** How long a replace took (attach, partition, add, recovery) and the MiB per member. */
  record Rebuild(double seconds, long memberMib, Array array) {
    double mibPerSecond() {
      return memberMib / seconds;
    }
  }

  /** Replaces the gone {@code member} by a new disk file {@code disk}, to the rebuild's end. */
  Rebuild replace(String member, String disk) {
    long start = System.nanoTime();
    attachNew(disk);
    vm.await(vm.raid().replaceMember(ReplaceMemberRequest.newBuilder().setArray(ARRAY)
        .setDevice(member).setNewDisk(disk).build()));
    double seconds = Checks.secondsSince(start);
    Array a = array();
    return new Rebuild(seconds, a.getSizeBytes() / (a.getRaidDevices() - 1) >> 20, a);
  }
}
