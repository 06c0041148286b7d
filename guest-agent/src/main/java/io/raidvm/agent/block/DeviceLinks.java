package io.raidvm.agent.block;

import java.util.List;
import java.util.Map;

/** What the kernel and udev say about block devices beyond lsblk's columns. */
interface DeviceLinks {

  /** Kernel names of the devices that hold {@code kname} ({@code /sys/class/block/NAME/holders}). */
  List<String> holders(String kname);

  /** Links under {@code /dev/disk/by-id}, by the kernel name of the device they point at. */
  Map<String, List<String>> byIdPaths();
}
