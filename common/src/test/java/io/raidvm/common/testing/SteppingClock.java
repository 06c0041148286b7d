package io.raidvm.common.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when a test moves it, or by a fixed tick each time it is read. */
public final class SteppingClock extends Clock {

  private Instant now;
  private final Duration tick;

  public SteppingClock(Instant start) {
    this(start, Duration.ZERO);
  }

  private SteppingClock(Instant start, Duration tick) {
    this.now = start;
    this.tick = tick;
  }

  /** A clock that moves on by {@code tick} each time it is read. */
  public static SteppingClock ticking(Instant start, Duration tick) {
    return new SteppingClock(start, tick);
  }

  public synchronized void advance(Duration step) {
    now = now.plus(step);
  }

  @Override
  public synchronized Instant instant() {
    Instant read = now;
    now = now.plus(tick);
    return read;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
