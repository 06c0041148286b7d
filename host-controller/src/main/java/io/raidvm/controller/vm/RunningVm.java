package io.raidvm.controller.vm;

import io.raidvm.api.controller.v1.VmState;
import io.raidvm.controller.qmp.QmpClient;
import java.time.Instant;
import java.util.List;

/** The live handles of a VM whose QEMU runs: its process, QMP session and agent link. */
final class RunningVm {

  final QemuProcess process;
  final QmpClient qmp;
  final AgentSession agent;
  final String accel;
  final String cpu;
  final List<String> warnings;
  final Instant startedAt;
  /** QEMU's start time in clock ticks after boot ({@link ProcStat}), -1 when unknown. */
  final long startTicks;
  /** QEMU ends when the guest reboots, and the controller starts it again (TCG). */
  final boolean coldReboot;
  private volatile boolean stopping;
  private volatile String shutdownReason = "";
  private volatile boolean readyDeadlinePassed;
  private volatile boolean detached;
  /** QMP said GUEST_PANICKED: the guest's kernel died, and resets itself. */
  private volatile boolean panicked;
  /** What the last finished boot left to know ({@link GuestBoot}); none until one finished. */
  private volatile List<String> bootWarnings = List.of();
  /** Re-attached after a controller restart: the boot may be long over. */
  private final boolean reattached;
  /** QEMU as this controller's child, when this controller launched it; else null. */
  private final Process child;

  RunningVm(QemuProcess process, QmpClient qmp, AgentSession agent, String accel, String cpu,
      List<String> warnings, Instant startedAt, boolean reattached) {
    this(process, null, qmp, agent, accel, cpu, warnings, startedAt, reattached);
  }

  RunningVm(QemuProcess process, Process child, QmpClient qmp, AgentSession agent, String accel,
      String cpu, List<String> warnings, Instant startedAt, boolean reattached) {
    this.process = process;
    this.child = child;
    this.qmp = qmp;
    this.agent = agent;
    this.accel = accel;
    this.cpu = cpu;
    this.warnings = List.copyOf(warnings);
    this.startedAt = startedAt;
    this.reattached = reattached;
    this.startTicks = ProcStat.read(process.pid()).map(ProcStat::startTicks).orElse(-1L);
    this.coldReboot = QemuCommandLine.rebootsCold(process.cmdline());
  }

  VmState state() {
    if (stopping) {
      return VmState.STOPPING;
    }
    if (agent.status().connected()) {
      return VmState.READY;
    }
    return readyDeadlinePassed || reattached || agent.status().everConnected()
        ? VmState.RUNNING_AGENT_NOT_READY : VmState.STARTING;
  }

  /** QMP said SHUTDOWN with this reason: QEMU is ending in order. */
  void shutdownSeen(String reason) {
    shutdownReason = reason;
  }

  String shutdownReason() {
    return shutdownReason;
  }

  void panicked() {
    panicked = true;
  }

  /** Whether the guest's kernel said it panicked under this QEMU. */
  boolean hasPanicked() {
    return panicked;
  }

  /** QEMU ended because its guest rebooted, and a new one is to take its place. */
  boolean endedForReboot() {
    return coldReboot && !stopping && shutdownReason.equals("guest-reset");
  }

  /**
   * QEMU's exit status in waitpid(2) form, once it has ended: from the child process when this
   * controller launched it, else when it is still a zombie (its parent has not reaped it yet)
   * with the start time it had when it was attached.
   */
  java.util.OptionalInt exitStatus() {
    if (child != null) {
      if (process.isAlive() || !reaped(child)) {
        return java.util.OptionalInt.empty();
      }
      // Java reports a death by signal N as 128 + N.
      int value = child.exitValue();
      return java.util.OptionalInt.of(value > 128 ? value - 128 : value << 8);
    }
    return ProcStat.read(process.pid())
        .filter(s -> s.zombie() && startTicks >= 0 && s.startTicks() == startTicks)
        .map(ProcStat::exitStatus)
        .orElse(java.util.OptionalInt.empty());
  }

  /** Whether the JVM has reaped {@code child}, which has ended (it may take a moment). */
  private static boolean reaped(Process child) {
    try {
      return child.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The launch's warnings, then the last finished boot's. */
  List<String> warnings() {
    List<String> boot = bootWarnings;
    if (boot.isEmpty()) {
      return warnings;
    }
    return java.util.stream.Stream.concat(warnings.stream(), boot.stream()).toList();
  }

  /** A boot finished (start, reboot) and left these warnings; the previous boot's go. */
  void bootFinished(List<String> warnings) {
    bootWarnings = List.copyOf(warnings);
  }

  /** The guest was asked to reboot: the last boot's warnings no longer hold. */
  void rebooting() {
    bootWarnings = List.of();
  }

  void markStopping() {
    stopping = true;
  }

  void markReadyDeadlinePassed() {
    readyDeadlinePassed = true;
  }

  boolean detached() {
    return detached;
  }

  /** Lets go of QMP and the agent link; QEMU keeps running. */
  void detach() {
    detached = true;
    agent.close();
    qmp.close();
  }
}
