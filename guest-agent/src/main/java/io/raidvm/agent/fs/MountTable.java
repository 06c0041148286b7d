package io.raidvm.agent.fs;

import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.agent.device.BlockDeviceRef;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What is mounted now, looked up by device or by mount point. */
public final class MountTable {

  private final Path root;
  private final SysfsBlock sysfs;

  /** {@code root} is "/" in the guest; tests pass a directory holding /proc and /sys. */
  public MountTable(Path root) {
    this.root = root;
    this.sysfs = new SysfsBlock(root);
  }

  /** Every mount of the device, in mount order. */
  public List<Mount> of(BlockDeviceRef dev) {
    return Mounts.read(root).stream().filter(m -> isOf(m, dev)).toList();
  }

  /** The mount on top at {@code mountPoint}, if anything is mounted there. */
  public Optional<Mount> at(String mountPoint) {
    return Mounts.read(root).stream()
        .filter(m -> m.mountPoint().equals(mountPoint))
        .reduce((below, above) -> above);
  }

  /** Whether {@code mount} is of this device. */
  public boolean isOf(Mount mount, BlockDeviceRef dev) {
    return sysfs.majorMinor(dev.kernelName()).filter(mount.majorMinor()::equals).isPresent();
  }
}
