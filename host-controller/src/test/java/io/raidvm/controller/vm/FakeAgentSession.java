package io.raidvm.controller.vm;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import io.raidvm.api.agent.v1.SystemState;
import io.raidvm.common.error.RaidvmException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An agent link as a test wants it: connected or not; a power-off either runs
 * {@code poweredOff} (the guest goes down) or is refused as an agent whose systemctl failed;
 * a reboot makes it absent for one look at its status, then there again (a new boot); block
 * device listings, array listings and boot waits as scripted.
 */
final class FakeAgentSession implements AgentSession {

  private final boolean connected;
  private final Runnable poweredOff;
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final List<ListBlockDevicesResponse> listings = new CopyOnWriteArrayList<>();
  private final List<Object> boots = new CopyOnWriteArrayList<>();
  private final List<Array> arrays = new CopyOnWriteArrayList<>();
  /** How many looks at its status still find it absent (a reboot makes one). */
  private final AtomicInteger absentLooks = new AtomicInteger();

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

  /**
   * What its block device listings answer, in turn; the last one again and again. None: the
   * agent refuses the call.
   */
  FakeAgentSession listing(ListBlockDevicesResponse... answers) {
    listings.addAll(List.of(answers));
    return this;
  }

  /** The arrays its array listings answer (none by default). */
  FakeAgentSession arrays(Array... answer) {
    arrays.addAll(List.of(answer));
    return this;
  }

  /**
   * What its boot waits answer, in turn: a {@link SystemState}, or a {@link RaidvmException} it
   * throws; the last one again and again. None: it cannot tell, as an agent older than the call.
   */
  FakeAgentSession boots(Object... answers) {
    boots.addAll(List.of(answers));
    return this;
  }

  /** The calls it took, in order. */
  List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public AgentStatus status() {
    if (absentLooks.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return new AgentStatus(false, null, "rebooting", true, 1);
    }
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
    absentLooks.set(1);
  }

  @Override
  public Optional<SystemState> awaitBoot(Duration timeout) {
    calls.add("awaitBoot");
    if (boots.isEmpty()) {
      return Optional.empty();
    }
    Object answer = boots.size() > 1 ? boots.remove(0) : boots.get(0);
    if (answer instanceof RaidvmException e) {
      throw e;
    }
    return Optional.of((SystemState) answer);
  }

  @Override
  public ListBlockDevicesResponse listBlockDevices(Duration timeout) {
    calls.add("listBlockDevices");
    if (listings.isEmpty()) {
      throw RaidvmException.unavailable("the agent does not answer");
    }
    return listings.size() > 1 ? listings.remove(0) : listings.get(0);
  }

  @Override
  public List<Array> listArrays(Duration timeout) {
    calls.add("listArrays");
    return List.copyOf(arrays);
  }

  @Override
  public void close() { }
}
