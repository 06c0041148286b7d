package io.raidvm.controller.image;

import java.time.Instant;
import java.util.Optional;

/**
 * The process that runs an image build, known by its pid and its start time: a pid alone may
 * name another process after the owner died (pids are recycled), the pair does not.
 */
record BuildOwner(long pid, Instant startedAt) {

  /** This controller process. */
  static BuildOwner self() {
    ProcessHandle me = ProcessHandle.current();
    return new BuildOwner(me.pid(), me.info().startInstant().orElse(Instant.EPOCH));
  }

  /** Whether this process still runs: its pid is alive and started when the record says. */
  boolean alive() {
    Optional<Instant> started = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .flatMap(h -> h.info().startInstant());
    return started.isPresent() && started.get().equals(startedAt);
  }
}
