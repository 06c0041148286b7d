package io.raidvm.controller.vm;

import io.raidvm.api.agent.v1.SystemState;
import java.util.List;
import java.util.Optional;

/**
 * What a finished boot leaves a person to know, from systemd's state after it. "running" and
 * "degraded" both mean the boot is over; a degraded one names its failed units, as a failed
 * {@code nofail} mount leaves the VM up without its data filesystem. Any other word (rescue or
 * emergency mode, going down) is said as systemd says it.
 */
final class GuestBoot {

  private GuestBoot() {}

  /** The VM's warnings for this boot; none when the agent could not tell. */
  static List<String> warnings(Optional<SystemState> state) {
    if (state.isEmpty() || state.get().getState().equals("running")) {
      return List.of();
    }
    SystemState s = state.get();
    if (s.getState().equals("degraded")) {
      return List.of("the guest's boot finished degraded: "
          + (s.getFailedUnitsCount() == 0 ? "systemd names no failed unit"
              : "failed units " + String.join(", ", s.getFailedUnitsList())));
    }
    return List.of("the guest's boot ended with systemd in state '" + s.getState() + "'");
  }
}
