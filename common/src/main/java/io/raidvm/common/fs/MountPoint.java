package io.raidvm.common.fs;

import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** Mount points callers may name: absolute, plain, and for mounting never a system directory. */
public final class MountPoint {

  private static final Pattern SAFE = Pattern.compile("/[A-Za-z0-9._@:+,=/-]*");
  /** Top-level directories the OS lives in; "lib" also covers lib32, lib64, libx32. */
  private static final List<String> SYSTEM = List.of("bin", "boot", "dev", "etc", "lib", "proc",
      "root", "run", "sbin", "sys", "usr", "var");

  private MountPoint() {}

  /** An absolute path without "." or ".." parts, doubled or trailing slashes, or odd characters. */
  public static String requireWellFormed(String mountPoint) {
    if (mountPoint == null || mountPoint.isEmpty()) {
      throw RaidvmException.invalidArgument("mount point is missing: give an absolute path such"
          + " as /mnt/md127");
    }
    if (!SAFE.matcher(mountPoint).matches()
        || !Path.of(mountPoint).normalize().toString().equals(mountPoint)) {
      throw RaidvmException.invalidArgument("mount point '%s' is not valid: give an absolute path"
          + " of letters, digits and ._@:+,=- such as /mnt/md127", mountPoint);
    }
    return mountPoint;
  }

  /** A well-formed mount point that is neither "/" nor in or below a system directory. */
  public static String requireMountable(String mountPoint) {
    requireWellFormed(mountPoint);
    Path path = Path.of(mountPoint);
    if (path.getNameCount() == 0 || isSystem(path.getName(0).toString())) {
      throw RaidvmException.invalidArgument("mount point %s is not allowed: it is / or a system"
          + " directory (/bin, /boot, /dev, /etc, /lib*, /proc, /root, /run, /sbin, /sys, /usr,"
          + " /var) or below one; use e.g. /mnt/md127 or /srv/data", mountPoint);
    }
    return mountPoint;
  }

  private static boolean isSystem(String top) {
    return SYSTEM.contains(top) || top.startsWith("lib");
  }
}
