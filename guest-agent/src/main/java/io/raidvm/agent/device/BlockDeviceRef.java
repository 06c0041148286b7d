package io.raidvm.agent.device;

import java.nio.file.Path;

/**
 * A block device as a caller named it, resolved.
 *
 * @param input what the caller wrote ("d1-part1", "sdb1", "/dev/disk/by-id/…")
 * @param path the device node, e.g. {@code /dev/sdb1}
 * @param kernelName e.g. "sdb1"
 * @param diskKernelName the whole disk: "sdb" for sdb1 and for sdb
 * @param partition true for a partition
 * @param osDisk true when it is, or is on, the disk that holds /
 */
public record BlockDeviceRef(String input, Path path, String kernelName, String diskKernelName,
    boolean partition, boolean osDisk) {

  /** For messages: the device node, with the caller's name for it when that differs. */
  public String describe() {
    return input.equals(path.toString()) ? input : path + " (" + input + ")";
  }
}
