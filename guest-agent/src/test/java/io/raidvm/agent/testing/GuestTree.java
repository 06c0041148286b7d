package io.raidvm.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A directory laid out like the guest's /dev, /sys and /proc, for code that takes a root: block
 * devices as the kernel shows them in sysfs (class links into a device tree, {@code dev},
 * {@code partition}, {@code holders}, {@code slaves}), nodes in /dev (regular files), udev's
 * by-id links, and /proc/self/mountinfo.
 */
public final class GuestTree {

  private final Path root;
  private int mountId = 20;
  private int nextMinor = 0;

  public GuestTree(Path root) {
    this.root = root;
    write("proc/self/mountinfo", "");
  }

  public Path root() {
    return root;
  }

  /** A whole disk (or an md array: a "disk" without a partition file) with its node. */
  public GuestTree disk(String kname) {
    return device("sys/devices/virtual/block/" + kname, kname, false);
  }

  public GuestTree partition(String disk, String kname) {
    return device("sys/devices/virtual/block/" + disk + "/" + kname, kname, true);
  }

  /** The device's size as sysfs says it (in 512-byte sectors). */
  public GuestTree size(String kname, long bytes) {
    write("sys/class/block/" + kname + "/size", (bytes / 512) + "\n");
    return this;
  }

    /** {@code holder} (an md array, say) is built on {@code member}. */
  public GuestTree holder(String member, String holder) {
    write("sys/class/block/" + member + "/holders/" + holder, "");
    write("sys/class/block/" + holder + "/slaves/" + member, "");
    return this;
  }

  /** udev's {@code /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_<serial>} link to {@code kname}. */
  public GuestTree serial(String serial, String kname) {
    return link("dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_" + serial, "../../" + kname);
  }

  public GuestTree link(String relative, String target) {
    try {
      Path link = root.resolve(relative);
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, Path.of(target));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Adds a mountinfo line for {@code kname} mounted on {@code mountPoint} (written as is). */
  public GuestTree mounted(String kname, String mountPoint) {
    String majorMinor = read("sys/class/block/" + kname + "/dev").strip();
    append("proc/self/mountinfo", (mountId++) + " 1 " + majorMinor + " / " + mountPoint
        + " rw,relatime shared:1 - ext4 /dev/" + kname + " rw\n");
    return this;
  }

  /** Adds a raw mountinfo line. */
  public GuestTree mountinfo(String line) {
    append("proc/self/mountinfo", line + "\n");
    return this;
  }

  private GuestTree device(String sysPath, String kname, boolean partition) {
    String majorMinor = "8:" + (nextMinor++);
    write(sysPath + "/dev", majorMinor + "\n");
    if (partition) {
      write(sysPath + "/partition", "1\n");
    }
    String up = "../".repeat(2);
    link("sys/class/block/" + kname, up + sysPath.substring("sys/".length()));
    link("sys/dev/block/" + majorMinor, up + sysPath.substring("sys/".length()));
    write("dev/" + kname, "");
    return this;
  }

  public void write(String relative, String content) {
    try {
      Path file = root.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void append(String relative, String content) {
    try {
      Files.writeString(root.resolve(relative), content, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String read(String relative) {
    try {
      return Files.readString(root.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
