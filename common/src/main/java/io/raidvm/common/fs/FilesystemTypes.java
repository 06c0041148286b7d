package io.raidvm.common.fs;

import io.raidvm.common.error.RaidvmException;
import java.util.List;

/**
 * The filesystems raidvm makes on an array: the one list, for checks, messages and help texts.
 */
public final class FilesystemTypes {

  public static final String EXT4 = "ext4";
  public static final String XFS = "xfs";
  /** What raidvm makes, mounts, checks and grows. */
  public static final List<String> SUPPORTED = List.of(EXT4, XFS);
  /**
   * mkfs.xfs (xfsprogs 5.19 and later, bookworm's 6.1) refuses a filesystem under 300 MiB:
   * "Filesystem must be larger than 300MB."
   */
  public static final long XFS_MIN_BYTES = 300L << 20;

  private FilesystemTypes() {}

  /** {@code type}, or INVALID_ARGUMENT naming the ones there are. */
  public static String require(String type) {
    if (!SUPPORTED.contains(type)) {
      throw RaidvmException.invalidArgument("filesystem '%s' is not supported: give %s", type,
          String.join(" or ", SUPPORTED));
    }
    return type;
  }
}
