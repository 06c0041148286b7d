package io.raidvm.common.md;

import io.raidvm.api.agent.v1.SyncStatus;

/** Reading an array's sync status as the agent reports it. */
public final class SyncStates {

  private SyncStates() {}

  /**
   * A sync, rebuild, reshape or scrub runs or waits to run: an action other than idle or frozen
   * (raid0 has none), or one mdstat marks DELAYED or PENDING.
   */
  public static boolean running(SyncStatus sync) {
    String action = sync.getAction();
    return !action.isEmpty() && !action.equals("idle") && !action.equals("frozen")
        || sync.getDelayed() || sync.getPending();
  }
}
