package io.raidvm.common.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.events.EventJournal.Entry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventJournalTest {

  private final EventJournal<String> journal = new EventJournal<>("e1", 3);

  private void append(String... events) {
    for (String event : events) {
      journal.append(sequence -> event + "@" + sequence);
    }
  }

  private static List<String> events(List<Entry<String>> entries) {
    return entries.stream().map(Entry::event).toList();
  }

  @Test
  void append_numbersEventsFromOne() {
    append("a", "b");
    assertEquals(2, journal.lastSequence());
    assertEquals(List.of("a@1", "b@2"), events(journal.cursor(0, () -> {}).next(10)));
  }

  @Test
  void start_freshWatch_startsAfterNewestWithoutGap() {
    append("a", "b");
    assertEquals(new EventJournal.Start(2, ""), journal.start("", 0));
  }

  @Test
  void start_resumeWithinKeptEvents_continuesRightAfter() {
    append("a", "b", "c");
    EventJournal.Start start = journal.start("e1", 1);
    assertFalse(start.gap());
    assertEquals(List.of("b@2", "c@3"), events(journal.cursor(start.after(), () -> {}).next(10)));
  }

  @Test
  void start_otherEpoch_isGap() {
    append("a");
    assertEquals(new EventJournal.Start(1, EventJournal.EPOCH_CHANGED), journal.start("e0", 1));
  }

  @Test
  void start_sequenceFromTheFuture_isGap() {
    append("a");
    assertEquals(EventJournal.FROM_THE_FUTURE, journal.start("e1", 5).gapReason());
  }

  @Test
  void start_afterEvictedEvents_isTooFarBehind() {
    append("a", "b", "c", "d", "e");
    assertEquals(EventJournal.TOO_FAR_BEHIND, journal.start("e1", 1).gapReason());
    assertFalse(journal.start("e1", 2).gap());
  }

  @Test
  void cursor_readsAtItsOwnPace() {
    EventJournal<String>.Cursor slow = journal.cursor(0, () -> {});
    EventJournal<String>.Cursor fast = journal.cursor(0, () -> {});
    append("a", "b");
    assertEquals(List.of("a@1", "b@2"), events(fast.next(10)));
    assertEquals(List.of("a@1"), events(slow.next(1)));
    assertEquals(List.of("b@2"), events(slow.next(1)));
    assertTrue(fast.next(10).isEmpty());
  }

  @Test
  void cursor_thatFellBehind_getsNothingUntilItSkips() {
    EventJournal<String>.Cursor slow = journal.cursor(0, () -> {});
    append("a", "b", "c", "d");
    assertTrue(slow.fellBehind());
    assertTrue(slow.next(10).isEmpty());
    assertEquals(4, slow.skipToNewest());
    append("e");
    assertEquals(List.of("e@5"), events(slow.next(10)));
  }

  @Test
  void cursor_isWokenOnAppendUntilClosed() {
    AtomicInteger wakeups = new AtomicInteger();
    EventJournal<String>.Cursor cursor = journal.cursor(0, wakeups::incrementAndGet);
    append("a");
    cursor.close();
    append("b");
    assertEquals(1, wakeups.get());
  }

  @Test
  void appendAll_numbersInOrder_andWakesOnceOrNotAtAll() {
    AtomicInteger wakeups = new AtomicInteger();
    EventJournal<String>.Cursor cursor = journal.cursor(0, wakeups::incrementAndGet);
    List<Entry<String>> entries = journal.appendAll(List.of(s -> "a@" + s, s -> "b@" + s));
    assertEquals(List.of(new Entry<>(1, "a@1"), new Entry<>(2, "b@2")), entries);
    assertEquals(1, wakeups.get());
    assertTrue(journal.appendAll(List.of()).isEmpty());
    assertEquals(1, wakeups.get());
    assertEquals(List.of("a@1", "b@2"), events(cursor.next(10)));
  }

  @Test
  void openCursors_countsEachCursorUntilClosed_once() {
    Runnable shared = () -> {};
    EventJournal<String>.Cursor one = journal.cursor(0, shared);
    EventJournal<String>.Cursor two = journal.cursor(0, shared);
    assertEquals(2, journal.openCursors());
    one.close();
    one.close();
    assertEquals(1, journal.openCursors());
    two.close();
    assertEquals(0, journal.openCursors());
  }
}
