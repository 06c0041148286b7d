package io.raidvm.agent.power;

import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.CommandRunner;
import java.time.Duration;

/**
 * Powers the guest off or reboots it through systemd. {@code /sbin/shutdown} and even
 * {@code systemctl poweroff} first ask logind over D-Bus, which a minimal guest does not run
 * (docs/design.md, "Guest image"); so the agent queues the target itself, the way
 * {@code systemctl poweroff} does after that check, with {@code --no-block} so that the answer
 * goes out before the system goes down.
 */
public final class SystemPower {

  /** What the guest should do. */
  public enum Action {
    POWEROFF("poweroff.target"),
    REBOOT("reboot.target");

    private final String target;

    Action(String target) {
      this.target = target;
    }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final CommandRunner runner;

  public SystemPower(CommandRunner runner) {
    this.runner = runner;
  }

  /** systemctl ended by SIGTERM: the shutdown it queued is already stopping the agent's unit. */
  private static final int KILLED_BY_SHUTDOWN = 128 + 15;

  /** Queues the power-off or reboot job; returns once systemd has accepted it. */
  public void request(Action action) {
    CommandResult r = runner.run(Command.of("systemctl", "start", "--no-block",
        "--job-mode=replace-irreversibly", action.target).withTimeout(TIMEOUT));
    if (r.exitCode() != KILLED_BY_SHUTDOWN) {
      r.orThrow();
    }
  }
}
