package io.raidvm.agent.power;

import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.time.Duration;

/**
 * Powers the guest off or reboots it through systemd. {@code /sbin/shutdown} goes through logind
 * and fails in a guest without D-Bus (docs/design.md §5), so the agent asks systemctl directly,
 * with {@code --no-block} so that the answer goes out before the system goes down.
 */
public final class SystemPower {

  /** What the guest should do. */
  public enum Action {
    POWEROFF("poweroff"),
    REBOOT("reboot");

    private final String verb;

    Action(String verb) {
      this.verb = verb;
    }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final CommandRunner runner;

  public SystemPower(CommandRunner runner) {
    this.runner = runner;
  }

  /** Queues the power-off or reboot job; returns once systemd has accepted it. */
  public void request(Action action) {
    runner.run(Command.of("systemctl", "--no-block", action.verb).withTimeout(TIMEOUT)).orThrow();
  }
}
