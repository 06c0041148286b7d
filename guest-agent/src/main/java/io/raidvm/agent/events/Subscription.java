package io.raidvm.agent.events;

import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.common.events.EventJournal;
import java.util.ArrayList;
import java.util.List;

/**
 * One watcher's cursor over the {@link MdJournal}: it takes events when it is ready for them and
 * is told (through {@link #onAvailable}) when new ones arrive. It never holds up the journal or
 * other watchers.
 */
public final class Subscription implements AutoCloseable {

  private final MdJournal owner;
  private final EventJournal<WatchEvent>.Cursor cursor;
  private WatchEvent first;
  private volatile Runnable listener = () -> {};

  Subscription(MdJournal owner, EventJournal<WatchEvent> journal, long after, WatchEvent first) {
    this.owner = owner;
    this.first = first;
    this.cursor = journal.cursor(after, () -> listener.run());
  }

  /** {@code listener} runs (on the publishing thread; keep it short) after each new batch. */
  public void onAvailable(Runnable listener) {
    this.listener = listener;
  }

  /**
   * The next events, at most {@code max}, without waiting: the opening snapshot first when there
   * is one, or a gap snapshot when the watcher fell further behind than the journal keeps; empty
   * when the watcher is up to date.
   */
  public synchronized List<WatchEvent> next(int max) {
    List<WatchEvent> out = new ArrayList<>();
    if (first != null) {
      out.add(first);
      first = null;
    }
    if (cursor.fellBehind()) {
      out.add(owner.catchUp(cursor));
      return out;
    }
    cursor.next(max - out.size()).forEach(entry -> out.add(entry.event()));
    return out;
  }

  /** Ends the watch; idempotent. */
  @Override
  public void close() {
    cursor.close();
  }
}
