package io.raidvm.controller.vm;

import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.api.controller.v1.VmState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A VM as the controller reports it. {@code pid} is 0 and {@code startedAt} null when stopped;
 * {@code stateReason} says why the VM is in its state when that needs saying (UNREACHABLE,
 * CRASHED), else it is empty.
 */
public record VmStatus(VmSpec spec, VmState state, AgentStatus agent, Path consoleLog, long pid,
    String accel, String cpuModel, Path osDisk, List<String> warnings, Instant startedAt,
    String stateReason) {

  public VmStatus {
    warnings = List.copyOf(warnings);
  }

  /** Whether QEMU runs in {@code state}: any state but STOPPED and CRASHED. */
  public static boolean qemuRuns(VmState state) {
    return state != VmState.STOPPED && state != VmState.CRASHED;
  }
}
