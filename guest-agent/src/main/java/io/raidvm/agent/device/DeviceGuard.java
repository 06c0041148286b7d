package io.raidvm.agent.device;

import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.agent.fs.Mount;
import io.raidvm.agent.fs.Mounts;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.CommandRunner;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks, before anything destructive runs, that a device may be overwritten: never the OS disk;
 * without force, nothing mounted, nothing in an md array and no filesystem, raid superblock or
 * partition table on it. Only reads (sysfs, mountinfo, {@code blkid -p}).
 */
public final class DeviceGuard {

  private final CommandRunner runner;
  private final Path root;
  private final SysfsBlock sysfs;

  /** {@code root} is "/" in the guest; tests pass a directory laid out like /sys and /proc. */
  public DeviceGuard(CommandRunner runner, Path root) {
    this.runner = runner;
    this.root = root;
    this.sysfs = new SysfsBlock(root);
  }

  /** FAILED_PRECONDITION when the device is the OS disk or on it, whatever the caller says. */
  public void requireNotOsDisk(BlockDeviceRef dev) {
    if (dev.osDisk()) {
      throw RaidvmException.failedPrecondition("refusing to touch %s: it is on the OS disk"
          + " /dev/%s, which holds /; this is refused even with force", dev.describe(),
          dev.diskKernelName());
    }
  }

  /**
   * @param action what the caller is about to do, as a verb phrase for messages ("partition",
   *     "make a filesystem on")
   * @throws RaidvmException FAILED_PRECONDITION naming the device, the reason and the override
   */
  public void requireSafeToOverwrite(BlockDeviceRef dev, boolean force, String action) {
    requireNotOsDisk(dev);
    if (force) {
      return;
    }
    Set<String> stack = stack(dev.kernelName());
    for (Mount mount : Mounts.read(root)) {
      for (String kname : stack) {
        if (sysfs.majorMinor(kname).filter(mount.majorMinor()::equals).isPresent()) {
          throw refuse(dev, action, subject(dev, kname) + " mounted on " + mount.mountPoint());
        }
      }
    }
    for (String kname : stack) {
      for (String holder : sysfs.holders(kname)) {
        if (holder.startsWith("md")) {
          throw refuse(dev, action, subject(dev, kname) + " a member of the md array /dev/"
              + holder);
        }
      }
    }
    Blkid.Probe probe = Blkid.probe(runner, dev.path());
    if (probe.hasSignature()) {
      throw refuse(dev, action, "it holds " + probe.describe());
    }
  }

  /** The device, its partitions, and everything built on any of them, recursively. */
  private Set<String> stack(String kname) {
    Set<String> stack = new LinkedHashSet<>();
    addStack(kname, stack);
    return stack;
  }

  private void addStack(String kname, Set<String> stack) {
    if (!stack.add(kname)) {
      return;
    }
    List<String> above = sysfs.isPartition(kname) ? sysfs.holders(kname)
        : concat(sysfs.partitions(kname), sysfs.holders(kname));
    above.forEach(next -> addStack(next, stack));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }

  private static String subject(BlockDeviceRef dev, String kname) {
    return kname.equals(dev.kernelName()) ? "it is" : "/dev/" + kname + " on it is";
  }

  private static RaidvmException refuse(BlockDeviceRef dev, String action, String reason) {
    return RaidvmException.failedPrecondition("cannot %s %s: %s; pass force to overwrite it",
        action, dev.describe(), reason);
  }
}
