package io.raidvm.controller.vm;

import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the guest's block device list (the agent's ListBlockDevices) says about one controller
 * disk: whether the guest sees it, by serial, and what uses it. The uses are the agent's
 * DeviceGuard's "in use" as far as the list shows them: mounted (swap included, as lsblk's
 * [SWAP]), a member of an md array, held by another device (device-mapper, LVM), the OS disk.
 * Pure.
 */
final class GuestDisks {

  private GuestDisks() {}

  /** The guest's whole disk whose serial is {@code serial}. */
  static Optional<BlockDevice> bySerial(ListBlockDevicesResponse devices, String serial) {
    return devices.getDevicesList().stream()
        .filter(d -> d.getType().equals("disk") && d.getSerial().equals(serial))
        .findFirst();
  }

  /** What uses the disk or one of its partitions, one phrase each; empty when nothing does. */
  static List<String> uses(BlockDevice disk) {
    List<String> uses = new ArrayList<>();
    if (disk.getOsDisk()) {
      uses.add(disk.getName() + " holds the guest's OS");
    }
    addUses(disk, uses);
    disk.getPartitionsList().forEach(p -> addUses(p, uses));
    return uses;
  }

  private static void addUses(BlockDevice device, List<String> uses) {
    String name = device.getName();
    device.getMountPointsList().forEach(m -> uses.add(name + " is mounted on " + m));
    device.getMdMemberOfList().forEach(md -> uses.add(name + " is a member of " + md));
    device.getHoldersList().stream()
        .filter(h -> !device.getMdMemberOfList().contains(h))
        .forEach(h -> uses.add(name + " is held by " + h));
  }
}
