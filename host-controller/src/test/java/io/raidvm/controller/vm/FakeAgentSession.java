package io.raidvm.controller.vm;

import io.raidvm.common.error.RaidvmException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An agent link as a test wants it: connected or not; a power-off either runs
 * {@code poweredOff} (the guest goes down) or is refused as an agent whose systemctl failed.
 */
final class FakeAgentSession implements AgentSession {

  private final boolean connected;
  private final Runnable poweredOff;
  private final List<String> calls = new CopyOnWriteArrayList<>();

  private FakeAgentSession(boolean connected, Runnable poweredOff) {
    this.connected = connected;
    this.poweredOff = poweredOff;
  }

  static FakeAgentSession notConnected() {
    return new FakeAgentSession(false, null);
  }

  /** Connected; {@code poweredOff} null: it refuses to power off. */
  static FakeAgentSession connected(Runnable poweredOff) {
    return new FakeAgentSession(true, poweredOff);
  }

  /** The calls it took, in order. */
  List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public AgentStatus status() {
    return connected ? new AgentStatus(true, Instant.now(), "", true, 1) : AgentStatus.NONE;
  }

  @Override
  public void portChanged(boolean open) {
    calls.add("portChanged " + open);
  }

  @Override
  public void powerOff(Duration timeout) {
    calls.add("powerOff");
    if (poweredOff == null) {
      throw RaidvmException.failedPrecondition("systemctl failed");
    }
    poweredOff.run();
  }

  @Override
  public void reboot(Duration timeout) {
    calls.add("reboot");
  }

  @Override
  public void close() { }
}
