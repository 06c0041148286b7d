package io.raidvm.common;

import io.raidvm.common.error.RaidvmException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as people and qemu-img write them: "67108864", "64M", "3G", "512K" (powers of 1024). */
public final class Sizes {

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]?)(?:I?B)?",
      Pattern.CASE_INSENSITIVE);

  private Sizes() {}

  /** Parses a positive size to bytes, or fails with INVALID_ARGUMENT. */
  public static long parse(String text) {
    if (text == null || text.isBlank()) {
      throw RaidvmException.invalidArgument("size is missing: give bytes or a number with K, M,"
          + " G or T, e.g. 64M");
    }
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw RaidvmException.invalidArgument("size '%s' is not valid: give bytes or a number with"
          + " K, M, G or T, e.g. 64M", text);
    }
    int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
      case "K" -> 10;
      case "M" -> 20;
      case "G" -> 30;
      case "T" -> 40;
      default -> 0;
    };
    long value;
    try {
      value = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw RaidvmException.invalidArgument("size '%s' is too large", text);
    }
    if (value <= 0) {
      throw RaidvmException.invalidArgument("size '%s' must be greater than zero", text);
    }
    if (value > (Long.MAX_VALUE >> shift)) {
      throw RaidvmException.invalidArgument("size '%s' is too large", text);
    }
    return value << shift;
  }

  /** Renders bytes the way people read them: "64 MiB", "3 GiB", "1.5 KiB". */
  public static String human(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f %s", v, units[u])
        : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
