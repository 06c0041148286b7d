package io.raidvm.controller.vm;

import io.raidvm.common.Ranges;
import java.time.Duration;

/** How long VM operations wait: what a request's 0 means, and how long one may ask for. */
public final class VmTimeouts {

  /** Software emulation boots slowly. */
  static final Duration DEFAULT_READY = Duration.ofSeconds(600);
  static final Duration MAX_READY = Duration.ofDays(1);
  static final Duration DEFAULT_STOP = Duration.ofSeconds(120);
  static final Duration MAX_STOP = Duration.ofHours(1);

  private VmTimeouts() {}

  /** How long to wait for the agent: zero means {@link #DEFAULT_READY}. */
  public static Duration ready(Duration requested) {
    return check("ready timeout", requested, DEFAULT_READY, MAX_READY);
  }

  /** How long a guest may take to power off: zero means {@link #DEFAULT_STOP}. */
  public static Duration stop(Duration requested) {
    return check("stop timeout", requested, DEFAULT_STOP, MAX_STOP);
  }

  private static Duration check(String what, Duration requested, Duration dflt, Duration max) {
    return Duration.ofSeconds(Ranges.orDefault(what, requested.toSeconds(), dflt.toSeconds(), 1,
        max.toSeconds(), "s"));
  }
}
