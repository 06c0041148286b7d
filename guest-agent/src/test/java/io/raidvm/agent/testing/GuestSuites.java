package io.raidvm.agent.testing;

import io.raidvm.agent.md.MdadmDetail;
import java.util.stream.Stream;

/**
 * The captures of the numbered scenario steps, one per guest suite: bookworm's {@code
 * fixtures/guest/} (mdadm 4.2, kernel 6.1) and trixie's {@code fixtures/guest-trixie/} (mdadm
 * 4.4, kernel 6.12), both made by {@code scripts/capture-guest-fixtures}. A parser test that
 * takes its folder from {@link #folders} runs on both: what it asserts must hold on either
 * Debian, so it asserts what one capture's outputs say about each other, not a capture's UUIDs.
 */
public final class GuestSuites {

  private GuestSuites() {}

  /** The capture folders below {@code fixtures/}, for {@code @MethodSource}. */
  public static Stream<String> folders() {
    return Stream.of("guest", "guest-trixie");
  }

  /** A file of {@code folder}'s capture: ("guest-trixie", "04-raid5-synced/mdstat.stdout"). */
  public static String read(String folder, String file) {
    return Fixtures.read(folder + "/" + file);
  }

  /**
   * {@code mdadm --detail} and {@code --detail --export} of one array in {@code folder}'s capture,
   * parsed together as the agent does: {@code prefix} as "04-raid5-synced/" or
   * "14-raid1-partitions/md125-".
   */
  public static MdadmDetail detail(String folder, String prefix) {
    return MdadmDetail.parse(read(folder, prefix + "detail-export.stdout"),
        read(folder, prefix + "detail.stdout"));
  }

  /**
   * {@code step}'s name as {@link Fixtures#guestCapture} and {@link CapturedSysfs#files} take
   * it: bare in {@code guest/}, with the folder first in any other.
   */
  public static String capture(String folder, String step) {
    return folder.equals("guest") ? step : folder + "/" + step;
  }
}
