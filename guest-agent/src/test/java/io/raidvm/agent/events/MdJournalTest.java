package io.raidvm.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The md journal over the common journal: each watcher reads at its own pace. */
class MdJournalTest {

  private static final MdEvent EVENT =
      MdEvent.newBuilder().setKind(MdEvent.Kind.REBUILD_PROGRESS).setArray("md127").build();

  private final MdJournal journal = new MdJournal("e", 3, Clock.systemUTC());

  private void publish(int count) {
    journal.publish(MdState.EMPTY, Collections.nCopies(count, EVENT));
  }

  @Test
  void epoch_isSixteenHexDigits_drawnPerJournal() {
    String epoch = new MdJournal().epoch();

    assertTrue(epoch.matches("[0-9a-f]{16}"), epoch);
    assertTrue(!epoch.equals(new MdJournal().epoch()));
  }

  @Test
  void aWatcherThatDoesNotRead_holdsUpNeitherPublishingNorOtherWatchers() {
    Subscription slow = journal.subscribe("e", 0);
    Subscription fast = journal.subscribe("e", 0);
    AtomicInteger woken = new AtomicInteger();
    fast.onAvailable(woken::incrementAndGet);

    publish(2);

    assertEquals(List.of(1L, 2L), fast.next(10).stream().map(WatchEvent::getSequence).toList());
    assertEquals(1, woken.get());
    publish(1);
    assertEquals(List.of(3L), fast.next(10).stream().map(WatchEvent::getSequence).toList());
    assertEquals(List.of(1L, 2L), slow.next(2).stream().map(WatchEvent::getSequence).toList());
  }

  @Test
  void aWatcherLappedByTheRing_getsAGapSnapshot_thenGoesOn() {
    Subscription slow = journal.subscribe("e", 0);

    publish(5);

    WatchEvent gap = slow.next(10).get(0);
    assertEquals("too far behind", gap.getSnapshot().getReason());
    assertEquals(5, gap.getSequence());
    publish(1);
    assertEquals(List.of(6L), slow.next(10).stream().map(WatchEvent::getSequence).toList());
  }

  @Test
  void closing_endsTheCount_once() {
    Subscription watcher = journal.subscribe("", 0);
    assertEquals(1, journal.liveWatchers());

    watcher.close();
    watcher.close();

    assertEquals(0, journal.liveWatchers());
  }
}
