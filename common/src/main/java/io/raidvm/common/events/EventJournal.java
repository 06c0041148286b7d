package io.raidvm.common.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.LongFunction;

/**
 * The last events of one source, numbered: an epoch chosen at random when the journal is made
 * (so a client can tell a restarted source from the one it knew) and a sequence that rises by
 * one with each event. Only the last {@code capacity} events are kept. Each watcher reads through
 * its own {@link Cursor} at its own pace, so a slow watcher never holds up the writer or the
 * others; one that falls further behind than the journal keeps is told so and starts over.
 */
public final class EventJournal<T> {

  /** One kept event and its sequence number. */
  public record Entry<T>(long sequence, T event) {}

  /**
   * Where a watcher starts: right after {@code after}; when {@code gapReason} is not empty, the
   * events it asked for are not kept and it needs a fresh picture of the state first.
   */
  public record Start(long after, String gapReason) {

    public boolean gap() {
      return !gapReason.isEmpty();
    }
  }

  public static final String EPOCH_CHANGED = "epoch changed";
  public static final String TOO_FAR_BEHIND = "too far behind";
  public static final String FROM_THE_FUTURE = "sequence from the future";

  private final String epoch;
  private final Object[] ring;
  private final Set<Cursor> cursors = new CopyOnWriteArraySet<>();
  private long last;

  public EventJournal(int capacity) {
    this(UUID.randomUUID().toString(), capacity);
  }

  public EventJournal(String epoch, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity);
    }
    this.epoch = epoch;
    this.ring = new Object[capacity];
  }

  public String epoch() {
    return epoch;
  }

  /** The sequence of the newest event; 0 before the first. */
  public synchronized long lastSequence() {
    return last;
  }

  /** Numbers the event that {@code event} makes from its sequence, keeps it, wakes the readers. */
  public Entry<T> append(LongFunction<? extends T> event) {
    return appendAll(List.of(event)).get(0);
  }

  /**
   * Numbers and keeps the events that {@code events} make, in order, then wakes the readers once
   * (not at all when there are none).
   */
  public List<Entry<T>> appendAll(List<? extends LongFunction<? extends T>> events) {
    List<Entry<T>> entries = new ArrayList<>(events.size());
    synchronized (this) {
      for (LongFunction<? extends T> event : events) {
        long sequence = last + 1;
        Entry<T> entry = new Entry<>(sequence, event.apply(sequence));
        ring[slot(sequence)] = entry;
        last = sequence;
        entries.add(entry);
      }
    }
    if (!entries.isEmpty()) {
      cursors.forEach(cursor -> cursor.wakeup.run());
    }
    return entries;
  }

  /** How many cursors are open (made and not yet closed). */
  public int openCursors() {
    return cursors.size();
  }

  /**
   * Where a watch that names {@code epoch} and {@code afterSequence} starts. An empty epoch is a
   * fresh watch: it starts after the newest event, without a gap.
   */
  public synchronized Start start(String epoch, long afterSequence) {
    if (epoch.isEmpty()) {
      return new Start(last, "");
    }
    if (!epoch.equals(this.epoch)) {
      return new Start(last, EPOCH_CHANGED);
    }
    if (afterSequence > last) {
      return new Start(last, FROM_THE_FUTURE);
    }
    if (afterSequence < oldestKept() - 1) {
      return new Start(last, TOO_FAR_BEHIND);
    }
    return new Start(afterSequence, "");
  }

  /** A reader positioned after {@code after}; {@code wakeup} runs after every append. */
  public Cursor cursor(long after, Runnable wakeup) {
    return new Cursor(after, wakeup);
  }

  private synchronized long oldestKept() {
    return Math.max(1, last - ring.length + 1);
  }

  private int slot(long sequence) {
    return (int) (sequence % ring.length);
  }

  /** One watcher's position in the journal. */
  public final class Cursor implements AutoCloseable {

    private final Runnable wakeup;
    private long position;

    private Cursor(long after, Runnable wakeup) {
      this.position = after;
      this.wakeup = wakeup;
      cursors.add(this);
    }

    /** The sequence of the last event handed out. */
    public long position() {
      return position;
    }

    /** Whether events after the position are no longer kept: see {@link #skipToNewest()}. */
    public boolean fellBehind() {
      synchronized (EventJournal.this) {
        return position < oldestKept() - 1;
      }
    }

    /** Moves past every event kept; returns the new position. */
    public long skipToNewest() {
      position = lastSequence();
      return position;
    }

    /** Up to {@code max} events after the position (none when it {@link #fellBehind()}). */
    @SuppressWarnings("unchecked")
    public List<Entry<T>> next(int max) {
      List<Entry<T>> batch = new ArrayList<>();
      synchronized (EventJournal.this) {
        if (position < oldestKept() - 1) {
          return batch;
        }
        while (batch.size() < max && position < last) {
          position++;
          batch.add((Entry<T>) ring[slot(position)]);
        }
      }
      return batch;
    }

    /** Stops the wake-ups; idempotent. */
    @Override
    public void close() {
      cursors.remove(this);
    }
  }
}
