package io.raidvm.controller.events;

import io.raidvm.api.agent.v1.WatchEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A client's stream stand-in: keeps what it gets, takes events only while {@link #ready}. */
public final class RecordingSink implements EventSink {

  public final List<WatchEvent> events = new CopyOnWriteArrayList<>();
  public volatile boolean ready = true;

  @Override
  public boolean ready() {
    return ready;
  }

  @Override
  public void send(WatchEvent event) {
    events.add(event);
  }

  public WatchEvent last() {
    return events.get(events.size() - 1);
  }
}
