package io.raidvm.agent.fs;

import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Grows the filesystem mounted from a device to fill the device, online: after a reshape the
 * array is larger and its filesystem is not. ext4 with {@code resize2fs DEVICE} (online growth
 * needs the filesystem mounted), xfs with {@code xfs_growfs MOUNTPOINT} (xfs grows only while
 * mounted). A device that is not mounted is left alone: raidvm does not mount it for this.
 */
public final class FilesystemGrower {

  /** resize2fs of a large array writes new group descriptors and bitmaps; under TCG, slowly. */
  private static final Duration TIMEOUT = Duration.ofMinutes(30);
  private static final List<String> GROWABLE = List.of("ext4", "xfs");

  private final CommandRunner runner;
  private final MountTable table;

  public FilesystemGrower(CommandRunner runner, MountTable table) {
    this.runner = runner;
    this.table = table;
  }

  /**
   * Refuses, before anything changes, a device mounted with a filesystem raidvm cannot grow
   * (FAILED_PRECONDITION naming it). A device that is not mounted passes: there is nothing to
   * grow then.
   */
  public void requireGrowable(BlockDeviceRef dev) {
    Optional<Mount> mount = mounted(dev);
    if (mount.isPresent() && !GROWABLE.contains(mount.get().fsType())) {
      throw RaidvmException.failedPrecondition("%s is mounted at %s with %s, which raidvm cannot"
          + " grow (ext4 and xfs it can); grow without grow_filesystem and grow it yourself",
          dev.describe(), mount.get().mountPoint(), mount.get().fsType());
    }
  }

  /**
   * Grows the filesystem mounted from {@code dev}; says what it did ("grew ext4 at /mnt/data"
   * or "not mounted: nothing to grow").
   */
  public String grow(BlockDeviceRef dev) {
    Optional<Mount> mount = mounted(dev);
    if (mount.isEmpty()) {
      return dev.path() + " is not mounted: its filesystem was not grown";
    }
    runner.run(command(dev, mount.get())).orThrow();
    return "grew " + mount.get().fsType() + " at " + mount.get().mountPoint();
  }

  static Command command(BlockDeviceRef dev, Mount mount) {
    List<String> argv = switch (mount.fsType()) {
      case "ext4" -> List.of("resize2fs", dev.path().toString());
      case "xfs" -> List.of("xfs_growfs", mount.mountPoint());
      default -> throw RaidvmException.failedPrecondition("cannot grow %s at %s",
          mount.fsType(), mount.mountPoint());
    };
    return Command.of(argv).withTimeout(TIMEOUT);
  }

  private Optional<Mount> mounted(BlockDeviceRef dev) {
    return table.of(dev).stream().findFirst();
  }
}
