package io.raidvm.agent.events;

import com.google.protobuf.Timestamp;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.Snapshot;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.common.events.EventJournal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The md events of this agent process in a {@link EventJournal} (an epoch of 16 hex digits drawn
 * at random when it starts, the last {@code capacity} events), together with the state after the
 * newest one, from which it builds the snapshots a watch starts with. Watchers read through their
 * own {@link Subscription}, each at its own pace; publishing never waits for them.
 */
public final class MdJournal {

  public static final int CAPACITY = 10_000;

  private final EventJournal<WatchEvent> journal;
  private final Clock clock;
  private MdState state = MdState.EMPTY;

  public MdJournal() {
    this(HexFormat.of().formatHex(new SecureRandom().generateSeed(8)), CAPACITY,
        Clock.systemUTC());
  }

  MdJournal(String epoch, int capacity, Clock clock) {
    this.journal = new EventJournal<>(epoch, capacity);
    this.clock = clock;
  }

  public String epoch() {
    return journal.epoch();
  }

  public synchronized MdState state() {
    return state;
  }

  /** Records {@code events} (what led to {@code now}) and wakes every watcher. */
  public synchronized void publish(MdState now, List<MdEvent> events) {
    state = now;
    Timestamp time = timestamp();
    journal.appendAll(events.stream().<LongFunction<WatchEvent>>map(md -> sequence ->
        WatchEvent.newBuilder().setEpoch(epoch()).setSequence(sequence).setTime(time).setMd(md)
            .setMdstat(now.mdstat()).build()).toList());
  }

  /**
   * Starts a watch. A fresh one ({@code epoch} empty) begins with a snapshot; a resumed one goes
   * on right after {@code afterSequence} when those events are kept, else begins with a
   * snapshot flagged as a gap, with the reason.
   */
  public synchronized Subscription subscribe(String epoch, long afterSequence) {
    EventJournal.Start start = journal.start(epoch, afterSequence);
    WatchEvent first = epoch.isEmpty() || start.gap()
        ? snapshot(start.after(), start.gapReason()) : null;
    return new Subscription(this, journal, start.after(), first);
  }

  /** Watches that have not been closed. */
  public int liveWatchers() {
    return journal.openCursors();
  }

  /** Moves a watcher that fell behind to the newest event; returns the snapshot it needs. */
  synchronized WatchEvent catchUp(EventJournal<WatchEvent>.Cursor cursor) {
    return snapshot(cursor.skipToNewest(), EventJournal.TOO_FAR_BEHIND);
  }

  /** The current state at {@code sequence}; {@code reason} empty for a plain one. */
  private WatchEvent snapshot(long sequence, String reason) {
    return WatchEvent.newBuilder().setEpoch(epoch()).setSequence(sequence).setTime(timestamp())
        .setSnapshot(Snapshot.newBuilder().addAllArrays(SnapshotArrays.of(state))
            .setGap(!reason.isEmpty()).setReason(reason))
        .setMdstat(state.mdstat())
        .build();
  }

  private Timestamp timestamp() {
    Instant now = clock.instant();
    return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano())
        .build();
  }
}
