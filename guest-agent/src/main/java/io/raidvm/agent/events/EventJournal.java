package io.raidvm.agent.events;

import com.google.protobuf.Timestamp;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.Snapshot;
import io.raidvm.api.agent.v1.WatchEvent;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The md events of this agent process: an epoch drawn at random when it starts, a sequence that
 * rises by one per event, the last {@code capacity} events, and the state after the newest one
 * (for snapshots). Watchers read it through their own {@link Subscription} cursor, each at its
 * own pace; publishing never waits for them.
 */
public final class EventJournal {

  public static final int CAPACITY = 10_000;

  private final String epoch;
  private final int capacity;
  private final Clock clock;
  private final ArrayDeque<WatchEvent> kept = new ArrayDeque<>();
  private final Set<Subscription> watchers = new CopyOnWriteArraySet<>();
  private long sequence;
  private MdState state = MdState.EMPTY;

  public EventJournal() {
    this(HexFormat.of().formatHex(new SecureRandom().generateSeed(8)), CAPACITY,
        Clock.systemUTC());
  }

  EventJournal(String epoch, int capacity, Clock clock) {
    this.epoch = epoch;
    this.capacity = capacity;
    this.clock = clock;
  }

  public String epoch() {
    return epoch;
  }

  public synchronized MdState state() {
    return state;
  }

  /** Records {@code events} (what led to {@code now}) and wakes every watcher. */
  public void publish(MdState now, List<MdEvent> events) {
    synchronized (this) {
      state = now;
      Timestamp time = timestamp();
      for (MdEvent md : events) {
        kept.addLast(WatchEvent.newBuilder().setEpoch(epoch).setSequence(++sequence)
            .setTime(time).setMd(md).setMdstat(now.mdstat()).build());
        if (kept.size() > capacity) {
          kept.removeFirst();
        }
      }
    }
    if (!events.isEmpty()) {
      watchers.forEach(Subscription::wake);
    }
  }

  /**
   * Starts a watch. A fresh one ({@code epoch} empty) begins with a snapshot; a resumed one goes
   * on right after {@code afterSequence} when those events are kept, else begins with a
   * snapshot flagged as a gap, with the reason.
   */
  public synchronized Subscription subscribe(String epoch, long afterSequence) {
    Subscription subscription;
    if (epoch.isEmpty()) {
      subscription = new Subscription(this, sequence, snapshot(""));
    } else if (!epoch.equals(this.epoch)) {
      subscription = new Subscription(this, sequence, snapshot("epoch changed"));
    } else if (afterSequence > sequence) {
      subscription = new Subscription(this, sequence, snapshot("sequence from the future"));
    } else if (afterSequence < oldestKept() - 1) {
      subscription = new Subscription(this, sequence, snapshot("too far behind"));
    } else {
      subscription = new Subscription(this, afterSequence, null);
    }
    watchers.add(subscription);
    return subscription;
  }

  /** Watches that have not been closed. */
  public int liveWatchers() {
    return watchers.size();
  }

  /**
   * Up to {@code max} events after {@code cursor}; a gap snapshot when the journal no longer
   * keeps the one right after it (the watcher fell more than {@code capacity} behind).
   */
  synchronized List<WatchEvent> after(long cursor, int max) {
    if (cursor < oldestKept() - 1) {
      return List.of(snapshot("too far behind"));
    }
    int skip = (int) (cursor - oldestKept() + 1);
    return kept.stream().skip(skip).limit(max).toList();
  }

  synchronized long sequence() {
    return sequence;
  }

  void closed(Subscription subscription) {
    watchers.remove(subscription);
  }

  /** The current state at the current sequence; {@code reason} empty for a plain one. */
  private WatchEvent snapshot(String reason) {
    return WatchEvent.newBuilder().setEpoch(epoch).setSequence(sequence).setTime(timestamp())
        .setSnapshot(Snapshot.newBuilder().addAllArrays(SnapshotArrays.of(state))
            .setGap(!reason.isEmpty()).setReason(reason))
        .setMdstat(state.mdstat())
        .build();
  }

  private long oldestKept() {
    return kept.isEmpty() ? sequence + 1 : kept.peekFirst().getSequence();
  }

  private Timestamp timestamp() {
    Instant now = clock.instant();
    return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano())
        .build();
  }
}
