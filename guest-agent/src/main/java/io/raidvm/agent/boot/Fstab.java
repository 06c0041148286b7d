package io.raidvm.agent.boot;

import io.raidvm.agent.fs.Mounts;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Edits fstab(5) text: the line for a filesystem (by UUID) replaces the earlier lines for the
 * same filesystem or mount point, or is appended; every other line stays byte for byte.
 */
final class Fstab {

  private static final String UUID_TAG = "UUID=";
  private static final String BY_UUID = "/dev/disk/by-uuid/";

  /**
   * What may name one filesystem in fstab's first field.
   *
   * @param uuid its UUID
   * @param devicePaths paths that are its device now ("/dev/md127", "/dev/md/data", …); which
   *     ones, only the guest's /dev can tell
   */
  record Filesystem(String uuid, Set<String> devicePaths) {}

  private Fstab() {}

  /** {@code UUID=<uuid> <mount point> <type> <options> 0 2}: fsck'd at boot after /. */
  static String line(String uuid, String mountPoint, String type, String options) {
    return UUID_TAG + uuid + " " + mountPoint + " " + type + " " + options + " 0 2";
  }

  /** The sources under /dev of the lines that are not comments, unescaped. */
  static List<String> devicePaths(String text) {
    return TextEntries.split(text, false).stream()
        .flatMap(entry -> fields(entry).stream())
        .map(f -> Mounts.unescape(f[0]))
        .filter(source -> source.startsWith("/dev/"))
        .toList();
  }

  static TextEntries.Edit withLine(String text, Filesystem fs, String mountPoint, String line) {
    return TextEntries.replaceOrAppend(text, false, entry -> fields(entry)
        .filter(f -> names(Mounts.unescape(f[0]), fs) || Mounts.unescape(f[1]).equals(mountPoint))
        .isPresent(), line);
  }

  /** The lines (stripped) that name the filesystem or mount one of {@code mountPoints}. */
  static List<String> linesFor(String text, Filesystem fs, Set<String> mountPoints) {
    return TextEntries.split(text, false).stream().filter(entry -> isFor(entry, fs, mountPoints))
        .map(String::strip).toList();
  }

  /** The text without the lines {@link #linesFor} finds. */
  static TextEntries.Edit without(String text, Filesystem fs, Set<String> mountPoints) {
    return TextEntries.remove(text, false, entry -> isFor(entry, fs, mountPoints));
  }

  private static boolean isFor(String entry, Filesystem fs, Set<String> mountPoints) {
    return fields(entry).filter(f -> names(Mounts.unescape(f[0]), fs)
        || mountPoints.contains(Mounts.unescape(f[1]))).isPresent();
  }

  /**
   * Whether a source names the filesystem: {@code UUID=…} (also quoted), udev's
   * {@code /dev/disk/by-uuid/…} link (named after the filesystem's UUID), or one of its device's
   * paths.
   */
  static boolean names(String source, Filesystem fs) {
    if (source.regionMatches(true, 0, UUID_TAG, 0, UUID_TAG.length())) {
      return unquote(source.substring(UUID_TAG.length())).equalsIgnoreCase(fs.uuid());
    }
    if (source.startsWith(BY_UUID)) {
      return source.substring(BY_UUID.length()).equalsIgnoreCase(fs.uuid());
    }
    return fs.devicePaths().contains(source);
  }

  /** The fields of a line that is not a comment and has a source and a mount point. */
  private static Optional<String[]> fields(String entry) {
    String[] f = entry.strip().split("\\s+");
    return f.length >= 2 && !f[0].startsWith("#") ? Optional.of(f) : Optional.empty();
  }

  private static String unquote(String value) {
    boolean quoted = value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
        && value.charAt(value.length() - 1) == value.charAt(0);
    return quoted ? value.substring(1, value.length() - 1) : value;
  }
}
