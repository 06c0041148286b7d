package io.raidvm.controller.vm;

import io.raidvm.common.error.RaidvmException;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Stops a QEMU as virsh and Proxmox do: ask the guest (agent, else ACPI), wait, then QMP quit,
 * then SIGTERM, then SIGKILL, each step given a bounded time.
 */
final class StopLadder {

  private static final Logger LOG = Logger.getLogger(StopLadder.class.getName());
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration QUIT_WAIT = Duration.ofSeconds(10);
  private static final Duration TERM_WAIT = Duration.ofSeconds(10);
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);

  private StopLadder() {}

  /** Returns the step that ended QEMU: "guest", "quit", "SIGTERM" or "SIGKILL". */
  static String stop(String vm, RunningVm r, boolean force, Duration guestTimeout) {
    try {
      if (!force) {
        askGuest(vm, r);
        if (r.process.awaitExit(guestTimeout)) {
          return "guest";
        }
        LOG.warning(() -> "VM " + vm + " did not power off within " + guestTimeout.toSeconds()
            + " s: quitting QEMU");
      }
      try {
        r.qmp.execute("quit", null, REQUEST_TIMEOUT);
      } catch (RaidvmException e) {
        LOG.warning(() -> "VM " + vm + ": QMP quit failed: " + e.getMessage());
      }
      if (r.process.awaitExit(QUIT_WAIT)) {
        return "quit";
      }
      r.process.terminate();
      if (r.process.awaitExit(TERM_WAIT)) {
        return "SIGTERM";
      }
      r.process.kill();
      if (r.process.awaitExit(KILL_WAIT)) {
        return "SIGKILL";
      }
    } catch (InterruptedException e) {
      throw RaidvmException.interrupted("stopping VM " + vm, e);
    }
    throw RaidvmException.internal("QEMU (pid " + r.process.pid() + ") of VM '" + vm
        + "' is still there after SIGKILL", null);
  }

  private static void askGuest(String vm, RunningVm r) {
    if (r.agent.status().connected()) {
      try {
        r.agent.powerOff(REQUEST_TIMEOUT);
        return;
      } catch (RaidvmException e) {
        LOG.warning(() -> "VM " + vm + ": the agent did not take the power-off ("
            + e.getMessage() + "): trying ACPI");
      }
    }
    try {
      r.qmp.execute("system_powerdown", null, REQUEST_TIMEOUT);
    } catch (RaidvmException e) {
      LOG.warning(() -> "VM " + vm + ": system_powerdown failed: " + e.getMessage());
    }
  }
}
