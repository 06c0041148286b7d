package io.raidvm.controller.vm;

import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import java.time.Duration;

/** The controller's link to one VM's guest agent, kept while QEMU runs. */
public interface AgentSession extends AutoCloseable {

  AgentStatus status();

  /**
   * The guest opened or closed its end of the agent port (QMP {@code VSERPORT_CHANGE}). A closed
   * port means the agent process is gone: the session over it is dead even though the host's
   * socket to QEMU stays up. An opened port means a new agent is there to handshake with.
   */
  void portChanged(boolean open);

  /** Asks the guest to power off; returns once the agent accepted. */
  void powerOff(Duration timeout);

  /** Asks the guest to reboot; returns once the agent accepted. */
  void reboot(Duration timeout);

  /**
   * The guest's block devices, as the agent lists them.
   *
   * @throws io.raidvm.common.error.RaidvmException UNAVAILABLE when the agent does not answer
   */
  ListBlockDevicesResponse listBlockDevices(Duration timeout);

  @Override
  void close();
}
