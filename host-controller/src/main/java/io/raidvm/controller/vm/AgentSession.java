package io.raidvm.controller.vm;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import io.raidvm.api.agent.v1.SystemState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The controller's link to one VM's guest agent, kept while QEMU runs. */
public interface AgentSession extends AutoCloseable {

  AgentStatus status();

  /**
   * The guest opened or closed its end of the agent port (QMP {@code VSERPORT_CHANGE}). A closed
   * port means the agent process is gone: the session over it is dead even though the host's
   * socket to QEMU stays up. An opened port means a new agent is there to handshake with.
   */
  void portChanged(boolean open);

  /**
   * Asks the guest to power off; returns once the agent accepted. The agent is told to go ahead
   * even while md reshapes: the controller has asked first ({@code VmManager}).
   */
  void powerOff(Duration timeout);

  /** Asks the guest to reboot, as {@link #powerOff}; returns once the agent accepted. */
  void reboot(Duration timeout);

  /**
   * The guest's block devices, as the agent lists them.
   *
   * @throws io.raidvm.common.error.RaidvmException UNAVAILABLE when the agent does not answer
   */
  ListBlockDevicesResponse listBlockDevices(Duration timeout);

  /**
   * The guest's md arrays, as the agent reports them ({@code Raid.ListArrays}).
   *
   * @throws io.raidvm.common.error.RaidvmException UNAVAILABLE when the agent does not answer
   */
  List<Array> listArrays(Duration timeout);

  /**
   * Waits until the guest's boot has finished, at most {@code timeout}, and returns systemd's
   * state after it; empty when the agent cannot tell (one older than the call, or one whose
   * rpcs.conf refuses it), which the link logs.
   *
   * @throws io.raidvm.common.error.RaidvmException DEADLINE_EXCEEDED when the boot still runs at
   *     the timeout, UNAVAILABLE when the agent does not answer
   */
  Optional<SystemState> awaitBoot(Duration timeout);

  @Override
  void close();
}
