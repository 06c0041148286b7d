package io.raidvm.common;

import io.raidvm.common.error.RaidvmException;

/** Numbers that must lie in a range; a refusal is INVALID_ARGUMENT naming the range. */
public final class Ranges {

  private Ranges() {}

  /** {@code value}, or INVALID_ARGUMENT: "{what} {value} {unit} is out of range: give …". */
  public static long require(String what, long value, long min, long max, String unit) {
    if (value < min || value > max) {
      throw RaidvmException.invalidArgument("%s %d%s is out of range: give %d to %d%s", what,
          value, unit(unit), min, max, unit(unit));
    }
    return value;
  }

  /** Like {@link #require}, where 0 stands for {@code dflt} (and the refusal says so). */
  public static long orDefault(String what, long value, long dflt, long min, long max,
      String unit) {
    if (value == 0) {
      return dflt;
    }
    if (value < min || value > max) {
      throw RaidvmException.invalidArgument("%s %d%s is out of range: give %d to %d%s, or 0 for"
          + " %d%s", what, value, unit(unit), min, max, unit(unit), dflt, unit(unit));
    }
    return value;
  }

  /** A proto uint32 as Java holds it (negative above 2^31 - 1), as the number it is. */
  public static long unsigned(int uint32) {
    return Integer.toUnsignedLong(uint32);
  }

  private static String unit(String unit) {
    return unit.isEmpty() ? "" : " " + unit;
  }
}
