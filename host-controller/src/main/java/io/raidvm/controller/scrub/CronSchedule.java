package io.raidvm.controller.scrub;

import io.raidvm.common.error.RaidvmException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A five-field cron expression, {@code MIN HOUR DOM MONTH DOW}, read as Debian's cron (Vixie
 * cron) reads it, and when it fires next. Pure: no clock, no files.
 *
 * <p>Each field: {@code *}, a value, a range {@code a-b}, a step {@code *}/n or {@code a-b/n},
 * or a list of those with commas. Months may be {@code jan}…{@code dec}, days {@code sun}…
 * {@code sat}; Sunday is 0 or 7. As in Debian's cron, when both day fields are restricted
 * (neither starts with {@code *}) a day matches when <em>either</em> does: {@code 6 1 1-7 * sun}
 * fires on the 1st to 7th <em>and</em> on every Sunday — which is why Debian's mdadm cron job
 * tests the date itself. The one extension, {@code DOW#N} (a single day, N 1–5), is "the Nth
 * such day of the month": the default {@code 6 1 * * sun#1} is the first Sunday at 01:06.
 *
 * <p>Times are local times of a zone. One that a DST change skips (spring forward) fires as
 * much later as the gap is long (02:30 in a skipped hour fires at 03:30, as java.time moves it);
 * one that a DST change repeats (fall back) fires once, at its first occurrence.
 */
public final class CronSchedule {

  /** "off": never. */
  public static final String OFF = "off";

  private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun",
      "jul", "aug", "sep", "oct", "nov", "dec");
  private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri",
      "sat");
  /** A date that fires at all does so within 28 years (Feb 29 on a given weekday). */
  private static final int SEARCH_DAYS = 28 * 366 + 1;

  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  /** For DOW#N: the day (0 = Sunday) and N; -1 when not used. */
  private final int nthDay;
  private final int nth;
  private final boolean domStar;
  private final boolean dowStar;

  private CronSchedule(String text, BitSet minutes, BitSet hours, BitSet daysOfMonth,
      BitSet months, BitSet daysOfWeek, int nthDay, int nth, boolean domStar, boolean dowStar) {
    this.text = text;
    this.minutes = minutes;
    this.hours = hours;
    this.daysOfMonth = daysOfMonth;
    this.months = months;
    this.daysOfWeek = daysOfWeek;
    this.nthDay = nthDay;
    this.nth = nth;
    this.domStar = domStar;
    this.dowStar = dowStar;
  }

  /**
   * Reads an expression.
   *
   * @throws RaidvmException INVALID_ARGUMENT naming the field and what is wrong, also for an
   *     expression that never fires ({@code 0 0 30 feb *})
   */
  public static CronSchedule parse(String expression) {
    String text = expression.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    String[] f = text.split(" ");
    if (f.length != 5 || text.isEmpty()) {
      throw RaidvmException.invalidArgument("cron expression '%s' must have 5 fields, MIN HOUR"
          + " DOM MONTH DOW (e.g. '6 1 * * sun#1': the first Sunday at 01:06), or be 'off'",
          expression);
    }
    int nthDay = -1;
    int nth = 0;
    String dow = f[4];
    int hash = dow.indexOf('#');
    if (hash >= 0) {
      nthDay = value(dow.substring(0, hash), 0, 7, DAYS, "day of week") % 7;
      nth = value(dow.substring(hash + 1), 1, 5, List.of(), "week of the month (after #)");
    }
    BitSet daysOfWeek = hash >= 0 ? new BitSet() : field(dow, 0, 7, DAYS, "day of week");
    if (daysOfWeek.get(7)) {
      daysOfWeek.set(0);
    }
    CronSchedule schedule = new CronSchedule(text,
        field(f[0], 0, 59, List.of(), "minute"),
        field(f[1], 0, 23, List.of(), "hour"),
        field(f[2], 1, 31, List.of(), "day of month"),
        field(f[3], 1, 12, MONTHS, "month"),
        daysOfWeek, nthDay, nth, f[2].startsWith("*"), dow.startsWith("*"));
    if (schedule.next(Instant.EPOCH, ZoneId.of("UTC")).isEmpty()) {
      throw RaidvmException.invalidArgument("cron expression '%s' never fires: no such day",
          expression);
    }
    return schedule;
  }

  /** The expression as read (lower case, single spaces). */
  public String text() {
    return text;
  }

  /** The first time after {@code after} (strictly) that it fires in {@code zone}. */
  public Optional<Instant> next(Instant after, ZoneId zone) {
    LocalDate day = after.atZone(zone).toLocalDate();
    for (int i = 0; i < SEARCH_DAYS; i++, day = day.plusDays(1)) {
      if (!matches(day)) {
        continue;
      }
      for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
        for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
          Instant at = ZonedDateTime.ofLocal(LocalDateTime.of(day, LocalTime.of(h, m)), zone,
              null).toInstant();
          if (at.isAfter(after)) {
            return Optional.of(at);
          }
        }
      }
    }
    return Optional.empty();
  }

  private boolean matches(LocalDate day) {
    if (!months.get(day.getMonthValue())) {
      return false;
    }
    boolean dom = daysOfMonth.get(day.getDayOfMonth());
    boolean dow = dayOfWeekMatches(day);
    return domStar || dowStar ? dom && dow : dom || dow;
  }

  private boolean dayOfWeekMatches(LocalDate day) {
    int weekday = day.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : day.getDayOfWeek().getValue();
    if (nthDay >= 0) {
      return weekday == nthDay && (day.getDayOfMonth() - 1) / 7 + 1 == nth;
    }
    return daysOfWeek.get(weekday);
  }

  private static BitSet field(String text, int min, int max, List<String> names, String what) {
    BitSet set = new BitSet();
    for (String part : text.split(",", -1)) {
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        step = value(part.substring(slash + 1), 1, max, List.of(), what + " step");
        range = part.substring(0, slash);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else if (range.indexOf('-') > 0) {
        int dash = range.indexOf('-');
        from = value(range.substring(0, dash), min, max, names, what);
        to = value(range.substring(dash + 1), min, max, names, what);
        if (to < from) {
          throw RaidvmException.invalidArgument("%s range '%s' runs backwards", what, range);
        }
      } else {
        from = value(range, min, max, names, what);
        to = slash >= 0 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        set.set(v);
      }
    }
    return set;
  }

  private static int value(String text, int min, int max, List<String> names, String what) {
    int named = names.indexOf(text);
    if (named >= 0) {
      return names == MONTHS ? named + 1 : named;
    }
    try {
      int v = Integer.parseInt(text);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw RaidvmException.invalidArgument("%s '%s' is not a number from %d to %d%s", what, text,
        min, max, names.isEmpty() ? "" : " or one of " + String.join(" ", names));
  }

  @Override
  public String toString() {
    return text;
  }
}
