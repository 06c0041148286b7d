package io.raidvm.controller.vm;

import java.time.Duration;

/** The controller's link to one VM's guest agent, kept while QEMU runs. */
public interface AgentSession extends AutoCloseable {

  AgentStatus status();

  /** Asks the guest to power off; returns once the agent accepted. */
  void powerOff(Duration timeout);

  @Override
  void close();
}
