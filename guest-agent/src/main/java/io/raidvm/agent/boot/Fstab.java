package io.raidvm.agent.boot;

import io.raidvm.agent.fs.Mounts;

/**
 * Edits fstab(5) text: the line for a filesystem (by UUID) replaces an earlier line for the same
 * UUID or mount point, or is appended; every other line stays byte for byte.
 */
final class Fstab {

  private Fstab() {}

  /** {@code UUID=<uuid> <mount point> <type> <options> 0 2}: fsck'd at boot after /. */
  static String line(String uuid, String mountPoint, String type, String options) {
    return "UUID=" + uuid + " " + mountPoint + " " + type + " " + options + " 0 2";
  }

  static String withLine(String text, String uuid, String mountPoint, String line) {
    return TextEntries.replaceOrAppend(text, false, entry -> {
      String[] f = entry.strip().split("\\s+");
      return !f[0].startsWith("#") && f.length >= 2
          && (f[0].equalsIgnoreCase("UUID=" + uuid) || Mounts.unescape(f[1]).equals(mountPoint));
    }, line);
  }
}
