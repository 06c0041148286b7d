package io.raidvm.agent.block;

import io.raidvm.api.agent.v1.BlockDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns lsblk's tree into the agent's (pure, apart from the {@link DeviceLinks} lookups).
 *
 * <p>lsblk repeats an md array below every member; the agent lists each array once at top level,
 * after the other top-level devices, and marks the members with {@code md_member_of}. A top-level
 * device is the OS disk when anything in its lsblk subtree is mounted on {@code /}; its partitions
 * are marked with it.
 */
final class BlockDeviceTree {

  private static final String ROOT_MOUNT = "/";

  private BlockDeviceTree() {}

  static List<BlockDevice> build(List<LsblkDevice> lsblk, DeviceLinks links) {
    Map<String, List<String>> byId = links.byIdPaths();
    Map<String, LsblkDevice> arrays = new LinkedHashMap<>();
    collectArrays(lsblk, arrays);
    List<BlockDevice> devices = new ArrayList<>();
    for (LsblkDevice device : lsblk) {
      if (!device.isMdArray()) {
        devices.add(convert(device, device.carries(ROOT_MOUNT), byId, links));
      }
    }
    for (LsblkDevice array : arrays.values()) {
      devices.add(convert(array, array.carries(ROOT_MOUNT), byId, links));
    }
    return devices;
  }

  /** Every md array anywhere in the tree, once, in the order lsblk first shows it. */
  private static void collectArrays(List<LsblkDevice> devices, Map<String, LsblkDevice> arrays) {
    for (LsblkDevice device : devices) {
      if (device.isMdArray()) {
        arrays.putIfAbsent(device.kname(), device);
      }
      collectArrays(device.children(), arrays);
    }
  }

  private static BlockDevice convert(LsblkDevice device, boolean osDisk,
      Map<String, List<String>> byId, DeviceLinks links) {
    BlockDevice.Builder builder = BlockDevice.newBuilder()
        .setName(text(device.kname()))
        .setPath(text(device.path()))
        .addAllByIdPaths(byId.getOrDefault(device.kname(), List.of()))
        .setSizeBytes(device.size() == null ? 0 : device.size())
        .setType(text(device.type()))
        .setVendor(text(device.vendor()))
        .setModel(text(device.model()))
        .setSerial(text(device.serial()))
        .setFsType(text(device.fstype()))
        .setFsUuid(text(device.uuid()))
        .setFsLabel(text(device.label()))
        .addAllMountPoints(device.mountpoints())
        .setReadOnly(Boolean.TRUE.equals(device.ro()))
        .addAllHolders(links.holders(device.kname()))
        .setOsDisk(osDisk)
        .setHctl(text(device.hctl()));
    for (LsblkDevice child : device.children()) {
      if (child.isMdArray()) {
        builder.addMdMemberOf(child.kname());
      } else if (child.isPartition()) {
        builder.addPartitions(convert(child, osDisk, byId, links));
      }
    }
    return builder.build();
  }

  /** lsblk prints absent values as null and pads SCSI vendor names with spaces. */
  private static String text(String value) {
    return value == null ? "" : value.strip();
  }
}
