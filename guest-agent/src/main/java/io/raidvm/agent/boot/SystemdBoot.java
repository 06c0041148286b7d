package io.raidvm.agent.boot;

import io.raidvm.api.agent.v1.SystemState;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.CommandRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Whether systemd has finished the boot. The agent's unit runs early in sysinit.target, so the
 * agent answers long before the boot has assembled the arrays and mounted fstab's data
 * filesystems: those are {@code nofail}, and nothing the agent is ordered after waits for them.
 * A controller that reports a VM started asks here first (docs/design.md, "Guest boot").
 */
public final class SystemdBoot {

  /** The longest wait when the caller set no deadline: a boot that takes longer is stuck. */
  static final Duration MAX_WAIT = Duration.ofMinutes(10);
  private static final String DEGRADED = "degraded";

  private final CommandRunner runner;

  public SystemdBoot(CommandRunner runner) {
    this.runner = runner;
  }

  /**
   * Waits until systemd leaves "initializing" and "starting", at most until {@code deadline},
   * and returns the state it reached, with the failed units when it is "degraded".
   * is-system-running exits non-zero for every state but "running", so its word, not its exit
   * code, says what happened; no word at all is a failure.
   *
   * @throws RaidvmException DEADLINE_EXCEEDED when the boot is still going at the deadline
   */
  public SystemState await(Instant deadline) {
    Duration wait = Duration.between(Instant.now(), deadline);
    if (wait.compareTo(MAX_WAIT) > 0) {
      wait = MAX_WAIT;
    }
    if (wait.isNegative() || wait.isZero()) {
      throw RaidvmException.deadlineExceeded("no time left to wait for the boot to finish");
    }
    CommandResult r = runner.run(Command.of("systemctl", "is-system-running", "--wait")
        .withTimeout(wait));
    String state = r.stdout().strip();
    if (state.isEmpty()) {
      r.orThrow();
      throw RaidvmException.failedPrecondition("systemctl is-system-running said nothing");
    }
    SystemState.Builder answer = SystemState.newBuilder().setState(state);
    if (state.equals(DEGRADED)) {
      answer.addAllFailedUnits(failedUnits());
    }
    return answer.build();
  }

  /** The failed units' names: the first word of each line of the plain listing. */
  private List<String> failedUnits() {
    CommandResult r = runner.run(Command.of("systemctl", "list-units", "--state=failed",
        "--plain", "--no-legend", "--no-pager")).orThrow();
    return r.stdout().lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty())
        .map(line -> Arrays.asList(line.split("\\s+")).get(0))
        .toList();
  }
}
