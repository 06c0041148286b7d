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
  private volatile boolean stopping;
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
