package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.DisksGrpc;
import io.raidvm.api.agent.v1.FilesystemsGrpc;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.MakeFilesystemRequest;
import io.raidvm.api.agent.v1.MountRequest;
import io.raidvm.api.agent.v1.PartitionRequest;
import io.raidvm.api.controller.v1.AttachDiskRequest;
import io.raidvm.api.controller.v1.AttachDiskResponse;
import io.raidvm.api.controller.v1.CreateDiskRequest;
import io.raidvm.api.controller.v1.DrillEvent;
import io.raidvm.api.controller.v1.DrillReport;
import io.raidvm.api.controller.v1.DrillRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A RAID 5 of hot-plugged disks in one running VM, with a filesystem, for the controller's Drill
 * (DrillIT and the drill benchmark); the drill itself — pull, detection, replace, rebuild,
 * verify, scrub — is the controller's, called as a client would.
 */
final class Raid5Drill {

  static final String ARRAY = "md127";
  static final String MOUNT_POINT = "/mnt/drill";

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

  /**
   * New disks, partitioned, made a RAID 5 (no bitmap), its initial sync waited for, ext4 on it
   * mounted on {@link #MOUNT_POINT}.
   */
  void create(List<String> disks) {
    for (String disk : disks) {
      attachNew(disk);
      vm.stubs.agent(vm.name, DisksGrpc::newBlockingStub).withDeadlineAfter(5, TimeUnit.MINUTES)
          .partition(PartitionRequest.newBuilder().setDevice(disk).build());
    }
    vm.await(vm.raid().createArray(CreateArrayRequest.newBuilder().setArray(ARRAY)
        .setLevel("raid5").setBitmap(Bitmap.BITMAP_NONE)
        .addAllDevices(disks.stream().map(d -> d + "-part1").toList()).build()));
    vm.await(filesystems().makeFilesystem(MakeFilesystemRequest.newBuilder().setDevice(ARRAY)
        .build()));
    mount();
  }

  void mount() {
    filesystems().mount(MountRequest.newBuilder().setDevice(ARRAY).setMountPoint(MOUNT_POINT)
        .build());
  }

  FilesystemsGrpc.FilesystemsBlockingStub filesystems() {
    return vm.stubs.agent(vm.name, FilesystemsGrpc::newBlockingStub)
        .withDeadlineAfter(5, TimeUnit.MINUTES);
  }

  Array array() {
    return vm.raid().getArray(GetArrayRequest.newBuilder().setArray(ARRAY).build());
  }

  /** What a drill streamed: its step messages, in order, and the report that ended it. */
  record Run(List<DrillEvent> steps, DrillReport report) {}

  /** Runs the controller's drill of {@code request} on the array to its report. */
  Run drill(DrillRequest.Builder request) {
    Iterator<DrillEvent> events = vm.stubs.drills().drill(request.setVm(vm.name).setArray(ARRAY)
        .build());
    List<DrillEvent> steps = new ArrayList<>();
    DrillReport report = null;
    while (events.hasNext()) {
      DrillEvent e = events.next();
      if (e.hasReport()) {
        report = e.getReport();
      } else {
        steps.add(e);
        if (!e.hasProgress()) {
          System.out.println("[drill " + e.getStep() + "] " + e.getMessage());
        }
      }
    }
    assertTrue(report != null, "the drill's stream ends with its report");
    System.out.println("drill report: " + report);
    return new Run(steps, report);
  }
}
