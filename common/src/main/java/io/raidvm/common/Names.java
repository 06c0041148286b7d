package io.raidvm.common;

import io.raidvm.common.error.RaidvmException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Names of VMs and disks: short, lower-case, safe in paths, QEMU ids and disk serials. A name
 * that already exists is only checked for its spelling ({@link #require}); a new one must also
 * not be a word the controller uses itself nor look like a kernel device name
 * ({@link #requireNewVm}, {@link #requireNewDisk}).
 */
public final class Names {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  /** Serials and ids the controller gives its own devices: the OS disk is "os" in every VM. */
  private static final Set<String> RESERVED = Set.of("os");
  /**
   * Kernel block device names, with or without a partition number. The guest agent resolves a
   * kernel name before a serial, so a disk named like one would never be found by its serial.
   */
  private static final Pattern KERNEL_NAME = Pattern.compile(
      "(?:sd|vd|hd|xvd)[a-z]+[0-9]*"
          + "|(?:md|loop|nbd|mmcblk|sr|ram|fd)[0-9]+(?:p[0-9]+)?"
          + "|md|dm-[0-9]+|nvme.*|zram.*");
  /** udev names a disk's partition "<serial>-part<N>": a serial must not look like one. */
  private static final Pattern PARTITION = Pattern.compile(".*-part[0-9]+");
  /**
   * The longest disk serial the guest sees whole. QEMU's scsi-hd reports at most 36 characters
   * of a serial (VPD page 0x80) but uses its first 20 as the device identifier (page 0x83), from
   * which udev makes /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_&lt;serial&gt;; QEMU 7.2 cuts it
   * silently, QEMU 9.1 and later refuse a longer serial (hw/scsi/scsi-disk.c).
   */
  public static final int MAX_DISK_CHARS = 20;

  private Names() {}

  /** Whether {@link #require} accepts the name. */
  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** Returns the name, or fails with INVALID_ARGUMENT saying what a name may be. */
  public static String require(String what, String name) {
    if (name == null || name.isEmpty()) {
      throw RaidvmException.invalidArgument("%s name is missing", what);
    }
    if (!NAME.matcher(name).matches()) {
      throw RaidvmException.invalidArgument("%s name '%s' is not valid: use 1 to 63 characters"
          + " a-z, 0-9 and '-', starting with a letter or digit", what, name);
    }
    return name;
  }

  /** The name of a VM to be created, or INVALID_ARGUMENT. */
  public static String requireNewVm(String name) {
    return requireNew("VM", name);
  }

  /**
   * The name of a disk to be created (the guest sees it as the disk's serial), or
   * INVALID_ARGUMENT: also at most {@link #MAX_DISK_CHARS} characters.
   */
  public static String requireNewDisk(String name) {
    requireNew("disk", name);
    if (name.length() > MAX_DISK_CHARS) {
      throw RaidvmException.invalidArgument("disk name '%s' is too long: the guest sees a disk"
          + " by its serial, which holds at most %d characters", name, MAX_DISK_CHARS);
    }
    return name;
  }

  private static String requireNew(String what, String name) {
    require(what, name);
    if (RESERVED.contains(name)) {
      throw RaidvmException.invalidArgument("%s name '%s' is reserved: the controller names"
          + " the OS disk of every VM so", what, name);
    }
    if (KERNEL_NAME.matcher(name).matches()) {
      throw RaidvmException.invalidArgument("%s name '%s' is spelled like a kernel device name"
          + " (sdX, vdX, hdX, xvdX, mdN, nvme…, loopN, dm-N, srN, ramN, zram…): the guest would"
          + " take it for that device; choose another, such as d1", what, name);
    }
    if (PARTITION.matcher(name).matches()) {
      throw RaidvmException.invalidArgument("%s name '%s' ends like a partition (-partN): the"
          + " guest names a disk's partitions so; choose another", what, name);
    }
    return name;
  }
}
