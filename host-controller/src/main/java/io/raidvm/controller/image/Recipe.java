package io.raidvm.controller.image;

import java.util.List;

/** What goes into the guest image (docs: DESIGN §5). Bump {@link #VERSION} when the recipe changes. */
final class Recipe {

  /** Part of every cache key: changing how an image is made must not reuse old ones. */
  static final int VERSION = 2;

  static final String DEFAULT_SUITE = "bookworm";

  static final List<String> PACKAGES = List.of("linux-image-amd64", "mdadm", "parted",
      "e2fsprogs", "openjdk-17-jre-headless", "systemd-sysv", "initramfs-tools", "udev", "kmod",
      "procps", "hdparm", "util-linux",
      "xfsprogs");

  static final long DISK_SIZE_BYTES = 2L << 30;

  /** The one partition starts at 1 MiB and runs to the end of the disk. */
  static final long PARTITION_OFFSET_BYTES = 1L << 20;

  private Recipe() {}
}
