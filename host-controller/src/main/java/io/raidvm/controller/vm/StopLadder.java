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

  /** What the ladder does to QEMU's process ({@link QemuProcess}). */
  interface Target {
    long pid();

    /** True once the process has ended, within {@code timeout}. */
    boolean awaitExit(Duration timeout) throws InterruptedException;

    void terminate();

    void kill();
  }

  /** How long each step may take: a QMP request, and the waits after quit, SIGTERM, SIGKILL. */
  record Waits(Duration request, Duration afterQuit, Duration afterTerm, Duration afterKill) {
    static final Waits DEFAULT = new Waits(Duration.ofSeconds(10), Duration.ofSeconds(10),
        Duration.ofSeconds(10), Duration.ofSeconds(5));
  }

  private StopLadder() {}

  /** Returns the step that ended QEMU: "guest", "quit", "SIGTERM" or "SIGKILL". */
  static String stop(String vm, RunningVm r, boolean force, Duration guestTimeout) {
    return stop(vm, r, r.process, force, guestTimeout, Waits.DEFAULT);
  }

  /**
   * As {@link #stop(String, RunningVm, boolean, Duration)}, ending {@code process} with the
   * given waits.
   *
   * @throws io.raidvm.common.error.RaidvmException INTERNAL when the process outlives SIGKILL
   *     (stuck in the kernel): the VM's files are left as they are
   */
  static String stop(String vm, RunningVm r, Target process, boolean force,
      Duration guestTimeout, Waits waits) {
    try {
      if (!force) {
        askGuest(vm, r, waits.request());
        if (process.awaitExit(guestTimeout)) {
          return "guest";
        }
        LOG.warning(() -> "VM " + vm + " did not power off within " + guestTimeout.toSeconds()
            + " s: quitting QEMU");
      }
      try {
        r.qmp.execute("quit", null, waits.request());
      } catch (RaidvmException e) {
        LOG.warning(() -> "VM " + vm + ": QMP quit failed: " + e.getMessage());
      }
      if (process.awaitExit(waits.afterQuit())) {
        return "quit";
      }
      process.terminate();
      if (process.awaitExit(waits.afterTerm())) {
        return "SIGTERM";
      }
      process.kill();
      if (process.awaitExit(waits.afterKill())) {
        return "SIGKILL";
      }
    } catch (InterruptedException e) {
      throw RaidvmException.interrupted("stopping VM " + vm, e);
    }
    throw RaidvmException.internal("QEMU (pid " + process.pid() + ") of VM '" + vm
        + "' is still there " + waits.afterKill().toSeconds() + " s after SIGKILL (stuck in the"
        + " kernel?): see its state with 'cat /proc/" + process.pid() + "/status'", null);
  }

  private static void askGuest(String vm, RunningVm r, Duration requestTimeout) {
    if (r.agent.status().connected()) {
      try {
        r.agent.powerOff(requestTimeout);
        return;
      } catch (RaidvmException e) {
        LOG.warning(() -> "VM " + vm + ": the agent did not take the power-off ("
            + e.getMessage() + "): trying ACPI");
      }
    }
    try {
      r.qmp.execute("system_powerdown", null, requestTimeout);
    } catch (RaidvmException e) {
      LOG.warning(() -> "VM " + vm + ": system_powerdown failed: " + e.getMessage());
    }
  }
}
