package io.raidvm.common.md;

import io.raidvm.common.error.RaidvmException;
import java.util.Locale;

/** The md levels raidvm creates, with what each needs. */
public enum RaidLevel {
  RAID0(0, 2),
  RAID1(1, 2),
  RAID4(4, 3),
  RAID5(5, 3),
  RAID6(6, 4),
  RAID10(10, 2);

  private final int number;
  private final int minDevices;

  RaidLevel(int number, int minDevices) {
    this.number = number;
    this.minDevices = minDevices;
  }

  /** "raid5", "RAID5" or "5"; INVALID_ARGUMENT for anything else. */
  public static RaidLevel parse(String text) {
    String word = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    String number = word.startsWith("raid") ? word.substring(4) : word;
    for (RaidLevel level : values()) {
      if (String.valueOf(level.number).equals(number)) {
        return level;
      }
    }
    throw RaidvmException.invalidArgument("RAID level '%s' is not supported: give raid0, raid1,"
        + " raid4, raid5, raid6 or raid10 (or the number alone)", text == null ? "" : text);
  }

  public int number() {
    return number;
  }

  public int minDevices() {
    return minDevices;
  }

  /** raid1 mirrors whole devices: it has no chunk. */
  public boolean hasChunk() {
    return this != RAID1;
  }

  /** raid0 has no redundancy: nothing to sync, check, rebuild, no spares, no bitmap. */
  public boolean redundant() {
    return this != RAID0;
  }

  /**
   * How many members the array can lose and still run: raid10 is counted for its worst case (two
   * copies of the same chunk), raid1 keeps running on one mirror.
   */
  public int survivableFailures(int raidDevices) {
    return switch (this) {
      case RAID0 -> 0;
      case RAID1 -> raidDevices - 1;
      case RAID4, RAID5, RAID10 -> 1;
      case RAID6 -> 2;
    };
  }

  @Override
  public String toString() {
    return "raid" + number;
  }
}
