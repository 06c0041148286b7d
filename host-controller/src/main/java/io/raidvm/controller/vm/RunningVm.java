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
  private volatile boolean stopping;
  private volatile String shutdownReason = "";
  private volatile boolean readyDeadlinePassed;
  private volatile boolean detached;
  /** Re-attached after a controller restart: the boot may be long over. */
  private final boolean reattached;

  RunningVm(QemuProcess process, QmpClient qmp, AgentSession agent, String accel, String cpu,
      List<String> warnings, Instant startedAt, boolean reattached) {
    this.process = process;
    this.qmp = qmp;
    this.agent = agent;
    this.accel = accel;
    this.cpu = cpu;
    this.warnings = List.copyOf(warnings);
    this.startedAt = startedAt;
    this.reattached = reattached;
    this.startTicks = ProcStat.read(process.pid()).map(ProcStat::startTicks).orElse(-1L);
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

  /**
   * QEMU's exit status in waitpid(2) form, when it has ended and is still a zombie (its parent
   * has not reaped it yet) with the start time it had when it was attached.
   */
  java.util.OptionalInt exitStatus() {
    return ProcStat.read(process.pid())
        .filter(s -> s.zombie() && startTicks >= 0 && s.startTicks() == startTicks)
        .map(ProcStat::exitStatus)
        .orElse(java.util.OptionalInt.empty());
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
