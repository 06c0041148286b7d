package io.raidvm.controller.image;

import java.util.List;

/** What goes into the guest image (docs: DESIGN §5). Bump {@link #VERSION} when the recipe changes. */
final class Recipe {

  /** Part of every cache key: changing how an image is made must not reuse old ones. */
  static final int VERSION = 3;

  /**
   * Debian 13, the current stable. Bookworm still builds ({@code --suite bookworm}): the package
   * set names no version, so it follows the suite.
   */
  static final String DEFAULT_SUITE = "trixie";

  /**
   * {@code default-jre-headless} rather than a versioned JRE: it is Java 17 in bookworm and
   * Java 21 in trixie, and every suite has it (a versioned name exists in one suite only).
   */
  static final List<String> PACKAGES = List.of("linux-image-amd64", "mdadm", "parted",
      "e2fsprogs", "default-jre-headless", "systemd-sysv", "initramfs-tools", "udev", "kmod",
      "procps", "hdparm", "util-linux",
      "xfsprogs");

  static final long DISK_SIZE_BYTES = 2L << 30;

  /** The one partition starts at 1 MiB and runs to the end of the disk. */
  static final long PARTITION_OFFSET_BYTES = 1L << 20;

  private Recipe() {}
}
