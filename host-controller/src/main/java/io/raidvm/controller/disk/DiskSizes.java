package io.raidvm.controller.disk;

import io.raidvm.common.Sizes;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;

/**
 * The sizes a data disk may have: at least 1 MiB, whole 512-byte sectors, and — unless the
 * caller allows overcommit — no more than the free space where disks are kept (a qcow2 file
 * grows as the guest writes, up to its size).
 */
public final class DiskSizes {

  public static final long MIN_BYTES = 1L << 20;
  public static final long SECTOR_BYTES = 512;

  private final FreeSpace freeSpace;

  public DiskSizes(FreeSpace freeSpace) {
    this.freeSpace = freeSpace;
  }

  /** Parses a size and checks the rules that need no machine; INVALID_ARGUMENT otherwise. */
  public static long parse(String text) {
    long bytes = Sizes.parse(text);
    if (bytes < MIN_BYTES) {
      throw RaidvmException.invalidArgument("disk size %s is too small: give at least 1M",
          text);
    }
    if (bytes % SECTOR_BYTES != 0) {
      throw RaidvmException.invalidArgument("disk size %d bytes is not a multiple of %d bytes"
          + " (a sector)", bytes, SECTOR_BYTES);
    }
    return bytes;
  }

  /** {@link #parse}, then: fits in the free space of {@code dir}'s filesystem, or is allowed. */
  public long require(String text, Path dir, boolean allowOvercommit) {
    long bytes = parse(text);
    if (allowOvercommit) {
      return bytes;
    }
    long free = freeSpace.usableBytes(dir);
    if (bytes > free) {
      throw RaidvmException.invalidArgument("disk size %s is more than the %s free where disks"
          + " are kept (%s): give a smaller size, or allow overcommit (raidctl disk create"
          + " --allow-overcommit) if the guest will never fill it", Sizes.human(bytes),
          Sizes.human(free), dir);
    }
    return bytes;
  }
}
