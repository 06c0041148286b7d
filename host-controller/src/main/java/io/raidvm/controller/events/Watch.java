package io.raidvm.controller.events;

import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.common.events.EventJournal;
import io.raidvm.common.events.EventJournal.Entry;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client's watch of a VM's events: its own cursor in the hub's journal, drained into its sink
 * on an executor, as fast as the sink takes events and no faster. A watcher that falls further
 * behind than the journal keeps gets a gap snapshot and goes on from there.
 */
public final class Watch implements AutoCloseable {

  private final VmEventHub hub;
  private final EventSink sink;
  private final boolean includeMdstat;
  private final Executor executor;
  private final AtomicInteger wakeups = new AtomicInteger();
  private EventJournal<WatchEvent>.Cursor cursor;
  private WatchEvent pending;
  private volatile boolean closed;

  Watch(VmEventHub hub, EventSink sink, boolean includeMdstat, Executor executor) {
    this.hub = hub;
    this.sink = sink;
    this.includeMdstat = includeMdstat;
    this.executor = executor;
  }

  /** Positions the watch; {@code first}, if not null, goes out before the events. */
  void open(EventJournal<WatchEvent>.Cursor cursor, WatchEvent first) {
    this.cursor = cursor;
    this.pending = first;
  }

  /** Something changed (new event, or the sink became ready): drain soon. */
  public void wake() {
    if (wakeups.getAndIncrement() == 0) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    int missed = 1;
    do {
      drainOnce();
      missed = wakeups.addAndGet(-missed);
    } while (missed != 0);
  }

  private void drainOnce() {
    while (!closed && sink.ready()) {
      if (pending == null && cursor.fellBehind()) {
        pending = hub.catchUp(cursor);
      }
      if (pending != null) {
        send(pending);
        pending = null;
        continue;
      }
      List<Entry<WatchEvent>> next = cursor.next(1);
      if (next.isEmpty()) {
        return;
      }
      send(next.get(0).event());
    }
  }

  private void send(WatchEvent event) {
    sink.send(includeMdstat || event.getMdstat().isEmpty() ? event
        : event.toBuilder().clearMdstat().build());
  }

  /** Stops the watch (the client went away); idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cursor.close();
      hub.closed(this);
    }
  }
}
