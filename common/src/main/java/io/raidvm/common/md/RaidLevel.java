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
    throw RaidvmException.invalidArgument("RAID level '%s' is not supported: give %s (or the"
        + " number alone)", text == null ? "" : text, String.join(", ", names()));
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
   * How many members the array can lose and still run, raid10 with md's default layout (n2): see
   * {@link #survivableFailures(int, int)}.
   */
  public int survivableFailures(int raidDevices) {
    return survivableFailures(raidDevices, 2);
  }

  /**
   * How many members the array can lose, whichever they are, and still run: raid1 keeps running
   * on one mirror; raid10 keeps {@code raid10Copies} copies of each chunk on as many different
   * members (near, far and offset alike), so it survives the loss of any one fewer — more only
   * when the failed members happen to hold different chunks.
   *
   * @param raid10Copies raid10's copies ({@link #raid10Copies}); ignored for other levels
   */
  public int survivableFailures(int raidDevices, int raid10Copies) {
    return switch (this) {
      case RAID0 -> 0;
      case RAID1 -> raidDevices - 1;
      case RAID4, RAID5 -> 1;
      case RAID6 -> 2;
      case RAID10 -> Math.max(0, Math.min(raid10Copies, raidDevices) - 1);
    };
  }

  /** raid10's copies of each chunk from md's layout number: near copies × far copies. */
  public static int raid10Copies(int layout) {
    return (layout & 0xff) * ((layout >> 8) & 0xff);
  }

  /** The supported levels' names, "raid0" … "raid10", for help texts and messages. */
  public static java.util.List<String> names() {
    return java.util.Arrays.stream(values()).map(RaidLevel::toString).toList();
  }

  @Override
  public String toString() {
    return "raid" + number;
  }
}
