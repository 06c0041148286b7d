package io.raidvm.agent.device;

import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.agent.fs.Mount;
import io.raidvm.agent.fs.Mounts;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks, before anything destructive runs, that a device may be changed. Two kinds of reason:
 *
 * <ul>
 *   <li><b>in use</b> — the OS disk; anything mounted, held by another device (an md array, a
 *       device-mapper/LVM volume, …) or active as swap, on the device or built on it. Refused
 *       always: {@code force} does not override it.
 *   <li><b>holds data</b> — a filesystem, RAID superblock or partition table signature
 *       ({@code blkid -p}). Refused unless the caller passes {@code force}: that is all force
 *       means.
 * </ul>
 *
 * Only reads (sysfs, mountinfo, /proc/swaps, blkid).
 */
public final class DeviceGuard {

  /** blkid's TYPE for an md member's superblock. */
  static final String RAID_MEMBER = "linux_raid_member";

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
   * Refuses, always, a device that is in use: the OS disk, or anything mounted, held by another
   * device, or active as swap — on the device or on anything built on it.
   *
   * @param action what the caller is about to do, as a verb phrase ("partition")
   */
  public void requireNotInUse(BlockDeviceRef dev, String action) {
    requireNotOsDisk(dev);
    Set<String> stack = stack(dev.kernelName());
    mountedIn(dev, stack).ifPresent(reason -> {
      throw inUse(dev, action, reason);
    });
    requireNotHeld(dev, action, stack);
  }

  /**
   * {@link #requireNotInUse}, then — unless {@code force} — refuses a device that holds a
   * filesystem, RAID superblock or partition table.
   *
   * @throws RaidvmException FAILED_PRECONDITION naming the device, the reason and whether force
   *     would override it
   */
  public void requireSafeToOverwrite(BlockDeviceRef dev, boolean force, String action) {
    requireNotInUse(dev, action);
    if (force) {
      return;
    }
    Blkid.Probe probe = Blkid.probe(runner, dev.path());
    if (probe.hasSignature()) {
      throw RaidvmException.failedPrecondition("cannot %s %s: it holds %s; pass force to"
          + " overwrite it", action, dev.describe(), probe.describe());
    }
  }

  /**
   * For reading a device's filesystem (mount, fsck): refuses the OS disk, a device held by an
   * array or volume or active as swap, and one that carries an md superblock — a member's
   * filesystem signature is a fragment of the array's (metadata 1.0 keeps it at the start), and
   * writing through it corrupts the array. Mounted is fine here. Returns what blkid found.
   */
  public Blkid.Probe requireNotArrayMember(BlockDeviceRef dev, String action) {
    requireNotOsDisk(dev);
    requireNotHeld(dev, action, stack(dev.kernelName()));
    Blkid.Probe probe = Blkid.probe(runner, dev.path());
    if (probe.get("TYPE").equals(RAID_MEMBER)) {
      throw RaidvmException.failedPrecondition("cannot %s %s: it carries the md superblock of"
          + " array %s%s; its filesystem signature belongs to that array: use the array's"
          + " device, or zero the superblock first if the device is no longer a member", action,
          dev.describe(), probe.get("UUID"),
          probe.get("LABEL").isEmpty() ? "" : " (" + probe.get("LABEL") + ")");
    }
    return probe;
  }

  private void requireNotHeld(BlockDeviceRef dev, String action, Set<String> stack) {
    for (String kname : stack) {
      List<String> holders = sysfs.holders(kname);
      if (!holders.isEmpty()) {
        throw inUse(dev, action, subject(dev, kname) + " " + heldBy(holders.get(0)));
      }
    }
    Set<String> swaps = swaps();
    for (String kname : stack) {
      if (swaps.contains(kname)) {
        throw inUse(dev, action, subject(dev, kname) + " active swap (swapoff it first)");
      }
    }
  }

  private Optional<String> mountedIn(BlockDeviceRef dev, Set<String> stack) {
    for (Mount mount : Mounts.read(root)) {
      for (String kname : stack) {
        if (sysfs.majorMinor(kname).filter(mount.majorMinor()::equals).isPresent()) {
          return Optional.of(subject(dev, kname) + " mounted on " + mount.mountPoint());
        }
      }
    }
    return Optional.empty();
  }

  private static String heldBy(String holder) {
    if (holder.startsWith("md")) {
      return "a member of the md array /dev/" + holder;
    }
    if (holder.startsWith("dm-")) {
      return "held by the device-mapper device /dev/" + holder + " (LVM, dm-crypt, multipath)";
    }
    return "held by /dev/" + holder;
  }

  /** Kernel names of the block devices /proc/swaps lists (swap files are not devices). */
  private Set<String> swaps() {
    Path file = root.resolve("proc/swaps");
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      return Set.of();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read /proc/swaps: " + e.getMessage(), e);
    }
    Set<String> names = new LinkedHashSet<>();
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] fields = line.strip().split("\\s+");
      if (fields.length >= 2 && fields[1].equals("partition") && fields[0].startsWith("/dev/")) {
        names.add(kernelName(fields[0]));
      }
    }
    return names;
  }

  /** "/dev/sdb2" → "sdb2"; "/dev/mapper/vg-swap" → "dm-1" (through its symlink). */
  private String kernelName(String devPath) {
    Path node = root.resolve(devPath.substring(1));
    try {
      return node.toRealPath().getFileName().toString();
    } catch (IOException e) {
      return node.getFileName().toString();
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

  private static RaidvmException inUse(BlockDeviceRef dev, String action, String reason) {
    return RaidvmException.failedPrecondition("cannot %s %s: %s; a device in use is refused"
        + " even with force", action, dev.describe(), reason);
  }
}
