package io.raidvm.agent.data;

import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.fs.Mount;
import io.raidvm.agent.fs.MountTable;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which filesystems test files may go on: one backed by a block device (a source under /dev
 * whose major:minor the kernel lists in /sys/dev/block — so not tmpfs, proc, sysfs, devtmpfs,
 * overlay, …), that is neither the root filesystem nor /boot, nor on the OS disk.
 */
final class DataFilesystems {

  private final MountTable table;
  private final SysfsBlock sysfs;
  private final DeviceResolver resolver;

  /** {@code root} is "/" in the guest; tests pass a directory holding /proc and /sys. */
  DataFilesystems(Path root, DeviceResolver resolver) {
    this.table = new MountTable(root);
    this.sysfs = new SysfsBlock(root);
    this.resolver = resolver;
  }

  /** The mount that holds {@code guestPath} (real, absolute); FAILED_PRECONDITION unless data. */
  Mount require(String guestPath) {
    Mount mount = table.containing(guestPath).orElseThrow(() -> RaidvmException
        .failedPrecondition("%s is on no mounted filesystem", guestPath));
    Optional<String> kname = sysfs.kernelNameOf(mount.majorMinor());
    if (kname.isEmpty() || !mount.source().startsWith("/dev/")) {
      throw refused(guestPath, mount, "not on a block device");
    }
    for (String system : List.of("/", "/boot")) {
      if (mount.mountPoint().equals(system) || table.at(system)
          .filter(m -> m.majorMinor().equals(mount.majorMinor())).isPresent()) {
        throw refused(guestPath, mount, "the guest's " + (system.equals("/") ? "root" : "boot")
            + " filesystem");
      }
    }
    BlockDeviceRef dev = resolver.resolve(kname.get());
    if (dev.osDisk()) {
      throw refused(guestPath, mount, "on the OS disk (" + dev.diskKernelName() + ")");
    }
    return mount;
  }

  /** Mount points below {@code guestDir}: other filesystems, which a walk does not enter. */
  List<String> mountPointsBelow(String guestDir) {
    return table.below(guestDir);
  }

  private static RaidvmException refused(String path, Mount mount, String why) {
    return RaidvmException.failedPrecondition("%s is on %s (%s on %s), %s: test files go only"
        + " on a data filesystem, such as an array mounted with 'fs mount'; write below its"
        + " mount point", path, mount.source(), mount.fsType(), mount.mountPoint(), why);
  }
}
