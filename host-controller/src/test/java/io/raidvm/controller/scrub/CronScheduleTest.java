package io.raidvm.controller.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static Instant next(String cron, String after, ZoneId zone) {
    return CronSchedule.parse(cron).next(Instant.parse(after), zone).orElseThrow();
  }

  private static List<Instant> firings(String cron, String after, ZoneId zone, int count) {
    CronSchedule schedule = CronSchedule.parse(cron);
    List<Instant> out = new ArrayList<>();
    Instant t = Instant.parse(after);
    for (int i = 0; i < count; i++) {
      t = schedule.next(t, zone).orElseThrow();
      out.add(t);
    }
    return out;
  }

  @Test
  void firstSunday_isTheFirstSundayOfEachMonth_atItsLocalTime() {
    // 2026: Feb 1, Mar 1, Apr 5, May 3 are the first Sundays.
    assertEquals(List.of(Instant.parse("2026-02-01T01:06:00Z"),
            Instant.parse("2026-03-01T01:06:00Z"), Instant.parse("2026-04-05T01:06:00Z"),
            Instant.parse("2026-05-03T01:06:00Z")),
        firings("6 1 * * sun#1", "2026-01-15T00:00:00Z", UTC, 4));
  }

  @Test
  void firstSunday_onTheSeventh_andNotOnTheEighth() {
    // June 2026 starts on a Monday: its first Sunday is the 7th; Feb 2026's the 1st, then the 8th
    // is the second.
    assertEquals(Instant.parse("2026-06-07T01:06:00Z"),
        next("6 1 * * 0#1", "2026-06-01T00:00:00Z", UTC));
    assertEquals(Instant.parse("2026-03-01T01:06:00Z"),
        next("6 1 * * 7#1", "2026-02-01T01:06:00Z", UTC), "the 8th is not the first Sunday");
  }

  @Test
  void bothDayFieldsRestricted_eitherMatches_asDebiansCronReadsThem() {
    // 2026-02-08 is a Sunday outside 1-7: Debian's cron runs '6 1 1-7 * sun' then too.
    List<Instant> f = firings("6 1 1-7 * sun", "2026-02-07T02:00:00Z", UTC, 2);
    assertEquals(Instant.parse("2026-02-08T01:06:00Z"), f.get(0));
    assertEquals(Instant.parse("2026-02-15T01:06:00Z"), f.get(1));
    // One day field '*': both must match.
    assertEquals(Instant.parse("2026-02-08T01:06:00Z"),
        next("6 1 * * sun", "2026-02-02T00:00:00Z", UTC));
    assertEquals(Instant.parse("2026-03-01T01:06:00Z"),
        next("6 1 1 * *", "2026-02-02T00:00:00Z", UTC));
  }

  @Test
  void timeZone_isTheScheduleLocalTime() {
    // 01:06 in Berlin in winter is 00:06 UTC, in summer 23:06 UTC the day before.
    assertEquals(Instant.parse("2026-02-01T00:06:00Z"),
        next("6 1 * * sun#1", "2026-01-15T00:00:00Z", BERLIN));
    assertEquals(Instant.parse("2026-07-04T23:06:00Z"),
        next("6 1 * * sun#1", "2026-06-15T00:00:00Z", BERLIN));
  }

  @Test
  void springForward_aSkippedTimeFiresAsMuchLater_once() {
    // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist.
    List<Instant> f = firings("30 2 * * *", "2026-03-07T12:00:00Z", NEW_YORK, 3);
    assertEquals(Instant.parse("2026-03-08T07:30:00Z"), f.get(0), "03:30 EDT");
    assertEquals(Instant.parse("2026-03-09T06:30:00Z"), f.get(1), "02:30 EDT the next day");
    assertEquals(Instant.parse("2026-03-10T06:30:00Z"), f.get(2));
  }

  @Test
  void fallBack_aRepeatedTimeFiresOnce_atItsFirstOccurrence() {
    // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
    List<Instant> f = firings("30 1 * * *", "2026-10-31T12:00:00Z", NEW_YORK, 2);
    assertEquals(Instant.parse("2026-11-01T05:30:00Z"), f.get(0), "01:30 EDT");
    assertEquals(Instant.parse("2026-11-02T06:30:00Z"), f.get(1), "not 01:30 EST as well");
  }

  @Test
  void dstInBerlin_firstSundayOfApril_keepsItsLocalTime() {
    // Berlin springs forward on 2026-03-29 (02:00 → 03:00): the April run is at 01:06 CEST.
    assertEquals(Instant.parse("2026-04-04T23:06:00Z"),
        next("6 1 * * sun#1", "2026-03-02T00:00:00Z", BERLIN));
  }

  @Test
  void leapDay_firesOnlyInLeapYears() {
    assertEquals(List.of(Instant.parse("2028-02-29T00:00:00Z"),
            Instant.parse("2032-02-29T00:00:00Z")),
        firings("0 0 29 feb *", "2025-03-01T00:00:00Z", UTC, 2));
    // 2100 is no leap year: 2096, then 2104.
    assertEquals(Instant.parse("2104-02-29T00:00:00Z"),
        next("0 0 29 2 *", "2096-03-01T00:00:00Z", UTC));
  }

  @Test
  void listsRangesStepsAndNames() {
    assertEquals(List.of(Instant.parse("2026-01-05T00:00:00Z"),
            Instant.parse("2026-01-05T00:20:00Z"), Instant.parse("2026-01-05T00:40:00Z"),
            Instant.parse("2026-01-05T09:00:00Z")),
        firings("*/20 0,9-10/5 * JAN mon-fri", "2026-01-03T00:00:00Z", UTC, 4));
  }

  @Test
  void strictlyAfter() {
    assertEquals(Instant.parse("2026-01-01T00:01:00Z"),
        next("* * * * *", "2026-01-01T00:00:00Z", UTC));
  }

  @Test
  void badExpressions_areRefusedNamingTheField() {
    for (String[] bad : new String[][] {
        {"6 1 * *", "5 fields"}, {"60 1 * * *", "minute '60'"}, {"6 24 * * *", "hour '24'"},
        {"6 1 0 * *", "day of month '0'"}, {"6 1 * 13 *", "month '13'"},
        {"6 1 * * sun#6", "week of the month"}, {"6 1 * * funday", "day of week 'funday'"},
        {"6 1 5-2 * *", "runs backwards"}, {"0 0 30 feb *", "never fires"},
        {"*/0 * * * *", "minute step"}}) {
      RaidvmException e = assertThrows(RaidvmException.class, () -> CronSchedule.parse(bad[0]),
          bad[0]);
      assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
      assertTrue(e.getMessage().contains(bad[1]), bad[0] + ": " + e.getMessage());
    }
  }
}
