package io.raidvm.common.process;

import java.util.Map;

/** Which Debian package brings a program, so that "not installed" errors say what to install. */
public final class Packages {

  private static final Map<String, String> BY_PROGRAM = Map.ofEntries(
      Map.entry("qemu-img", "qemu-utils"),
      Map.entry("qemu-system-x86_64", "qemu-system-x86"),
      Map.entry("mmdebstrap", "mmdebstrap"),
      Map.entry("extlinux", "extlinux"),
      Map.entry("parted", "parted"),
      Map.entry("partprobe", "parted"),
      Map.entry("mdadm", "mdadm"),
      Map.entry("mkfs.ext4", "e2fsprogs"),
      Map.entry("mke2fs", "e2fsprogs"),
      Map.entry("e2fsck", "e2fsprogs"),
      Map.entry("resize2fs", "e2fsprogs"),
      Map.entry("xfs_growfs", "xfsprogs"),
      Map.entry("mkfs.xfs", "xfsprogs"),
      Map.entry("xfs_repair", "xfsprogs"),
      Map.entry("losetup", "mount"),
      Map.entry("mount", "mount"),
      Map.entry("umount", "mount"),
      Map.entry("lsblk", "util-linux"),
      Map.entry("setarch", "util-linux"),
      Map.entry("findmnt", "util-linux"),
      Map.entry("blkid", "util-linux"),
      Map.entry("wipefs", "util-linux"),
      Map.entry("udevadm", "udev"),
      Map.entry("hdparm", "hdparm"),
      Map.entry("update-initramfs", "initramfs-tools"),
      Map.entry("systemctl", "systemd"));

  private Packages() {}

  public static String providing(String program) {
    return BY_PROGRAM.getOrDefault(program, program);
  }
}
