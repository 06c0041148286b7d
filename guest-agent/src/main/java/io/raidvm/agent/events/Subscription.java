package io.raidvm.agent.events;

import io.raidvm.api.agent.v1.WatchEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One watcher's cursor over the {@link EventJournal}: it takes events when it is ready for
 * them and is told (through {@link #onAvailable}) when new ones arrive. It never holds up the
 * journal or other watchers.
 */
public final class Subscription implements AutoCloseable {

  private final EventJournal journal;
  private final AtomicBoolean closed = new AtomicBoolean();
  private WatchEvent first;
  private long cursor;
  private volatile Runnable listener = () -> {};

  Subscription(EventJournal journal, long cursor, WatchEvent first) {
    this.journal = journal;
    this.cursor = cursor;
    this.first = first;
  }

  /** {@code listener} runs (on the publishing thread; keep it short) after each new batch. */
  public void onAvailable(Runnable listener) {
    this.listener = listener;
  }

  /**
   * The next events, at most {@code max}, without waiting: the opening snapshot first when there
   * is one; empty when the watcher is up to date.
   */
  public synchronized List<WatchEvent> next(int max) {
    List<WatchEvent> out = new ArrayList<>();
    if (first != null) {
      out.add(first);
      first = null;
    }
    for (WatchEvent e : journal.after(cursor, max - out.size())) {
      out.add(e);
      cursor = e.hasSnapshot() ? e.getSequence() : cursor + 1;
    }
    return out;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      journal.closed(this);
    }
  }

  void wake() {
    listener.run();
  }
}
