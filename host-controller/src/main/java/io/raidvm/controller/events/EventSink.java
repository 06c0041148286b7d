package io.raidvm.controller.events;

import io.raidvm.api.agent.v1.WatchEvent;

/** Where one watcher's events go: a client's stream, which says when it can take more. */
public interface EventSink {

  /** Whether the client can take an event now; when it becomes ready, call {@link Watch#wake}. */
  boolean ready();

  void send(WatchEvent event);
}
