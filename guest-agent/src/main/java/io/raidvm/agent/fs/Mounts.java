package io.raidvm.agent.fs;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads {@code /proc/self/mountinfo}: what is mounted where, as the kernel says it now. */
public final class Mounts {

  private Mounts() {}

  /** The mount table below {@code root} ("/" in the guest). */
  public static List<Mount> read(Path root) {
    Path file = root.resolve("proc/self/mountinfo");
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses mountinfo text: {@code ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL…] - TYPE
   * SOURCE SUPEROPTIONS}. The kernel writes space, tab, newline and backslash in paths as
   * {@code \040}, {@code \011}, {@code \012} and {@code \134}.
   */
  public static List<Mount> parse(String text) {
    List<Mount> mounts = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        mounts.add(parseLine(line));
      }
    }
    return mounts;
  }

  private static Mount parseLine(String line) {
    String[] f = line.split(" ");
    int separator = Arrays.asList(f).indexOf("-");
    if (f.length < 10 || separator < 6 || f.length < separator + 4) {
      throw RaidvmException.internal("cannot read mountinfo line: " + line, null);
    }
    try {
      return new Mount(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], unescape(f[3]),
          unescape(f[4]), List.of(f[5].split(",")), unescape(f[separator + 1]),
          unescape(f[separator + 2]), List.of(f[separator + 3].split(",")));
    } catch (NumberFormatException e) {
      throw RaidvmException.internal("cannot read mountinfo line: " + line, e);
    }
  }

  /** Undoes the kernel's octal escapes ({@code \040} → space), as in mountinfo and fstab. */
  public static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    for (int i = from; i < from + 3; i++) {
      if (i >= s.length() || s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
