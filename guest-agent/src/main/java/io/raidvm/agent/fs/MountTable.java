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

  /**
   * The filesystem {@code path} (absolute, without symlinks) is on: the mount with the longest
   * mount point at or above it, the one on top where several are stacked.
   */
  public Optional<Mount> containing(String path) {
    return Mounts.read(root).stream()
        .filter(m -> isAtOrBelow(path, m.mountPoint()))
        .reduce((a, b) -> b.mountPoint().length() >= a.mountPoint().length() ? b : a);
  }

  /** Mount points strictly below {@code dir}: other filesystems a walk of it would enter. */
  public List<String> below(String dir) {
    return Mounts.read(root).stream().map(Mount::mountPoint)
        .filter(point -> !point.equals(dir) && isAtOrBelow(point, dir))
        .distinct().toList();
  }

  /** Whether {@code path} is {@code dir} or inside it, by whole path components. */
  static boolean isAtOrBelow(String path, String dir) {
    return path.equals(dir) || dir.equals("/")
        || path.startsWith(dir.endsWith("/") ? dir : dir + "/");
  }

  /** Whether {@code mount} is of this device. */
  public boolean isOf(Mount mount, BlockDeviceRef dev) {
    return sysfs.majorMinor(dev.kernelName()).filter(mount.majorMinor()::equals).isPresent();
  }
}
