package io.raidvm.agent.upgrade;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.raidvm.agent.audit.AgentAuditLog;
import io.raidvm.api.agent.v1.AgentAuditEntry;
import io.raidvm.api.agent.v1.AgentFallback;
import io.raidvm.common.Sha256;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.MessageLimits;
import io.raidvm.common.grpc.UnixSocketChannels;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import io.raidvm.common.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The guest's fallback from an agent jar that did not start serving within its trial
 * ({@link AgentTrial}; docs/design.md, "Agent upgrade"). {@code raidvm-agent-fallback.service}
 * runs it from {@code raidvm-agent.jar.previous} — the code of the agent that installed the jar
 * on trial, which ran — started by that agent at the install and again at a boot that finds a
 * trial. It waits until the trial is committed or its deadline passes, then settles it:
 *
 * <ul>
 *   <li>the jar is not the one on trial (a power cut before it took its name, or another install
 *       since): the trial is stale, removed, nothing else;
 *   <li>an agent answers a health check on its socket (one older than trials, which never
 *       commits): it serves, so the trial is committed for it;
 *   <li>otherwise the previous jar is put back: first {@code raidvm-agent.jar.fallback} records
 *       it, then the jar and {@code .previous} (and the files made from each) swap as a rollback
 *       swaps them, then the trial is removed, the agent's audit trail gets a line (the
 *       controller copies it), and the agent's unit restarts. A power cut before the swap
 *       leaves the trial, which the next boot's fallback settles again; one after it, a trial
 *       the next boot finds stale.
 * </ul>
 */
public final class TrialFallback {

  private static final Logger LOG = Logger.getLogger(TrialFallback.class.getName());

  /** The agent's gRPC socket (the agent's default {@code --socket}, which its unit uses). */
  public static final Path SOCKET = Path.of("/run/raidvm-agent/agent.sock");
  static final String AGENT_UNIT = "raidvm-agent.service";
  /** The unit that runs this class; the installer starts it at each install and rollback. */
  public static final String UNIT = "raidvm-agent-fallback.service";
  static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration HEALTH_DEADLINE = Duration.ofSeconds(15);
  private static final Duration SYSTEMCTL_TIMEOUT = Duration.ofSeconds(60);

  /** How a trial ended. */
  enum Outcome {
    /** The agent on trial removed it: it serves. */
    COMMITTED,
    /** The jar is no longer the one on trial. */
    STALE,
    /** An agent answers on its socket without having committed (it predates trials). */
    SERVING,
    /** The previous jar was put back and the agent restarted. */
    RESTORED
  }

  private final Path jar;
  private final AgentTrial trials;
  private final Clock clock;
  private final BooleanSupplier agentServes;
  private final CommandRunner runner;
  private final AgentAuditLog audit;

  /**
   * @param root "/" in the guest; tests pass a folder
   * @param agentServes whether an agent answers on its socket now
   */
  TrialFallback(Path root, Clock clock, BooleanSupplier agentServes, CommandRunner runner,
      AgentAuditLog audit) {
    this.jar = root.resolve(RunningJar.PATH);
    this.trials = new AgentTrial(jar);
    this.clock = clock;
    this.agentServes = agentServes;
    this.runner = runner;
    this.audit = audit;
  }

  public static void main(String[] args) throws InterruptedException {
    Path root = Path.of("/");
    Outcome outcome = new TrialFallback(root, Clock.systemUTC(), () -> healthy(SOCKET),
        new ProcessRunner(), AgentAuditLog.in(root)).await();
    LOG.info("agent trial ended: " + outcome);
  }

  /**
   * Waits, reading the trial anew every {@link #POLL} (an install meanwhile may have begun
   * another), until none runs or its deadline has passed, then settles it.
   */
  Outcome await() throws InterruptedException {
    while (true) {
      Optional<AgentTrial.Trial> trial = trials.current();
      if (trial.isEmpty()) {
        return Outcome.COMMITTED;
      }
      Duration left = Duration.between(clock.instant(), trial.get().deadline());
      if (left.isNegative() || left.isZero()) {
        return settle(trial.get());
      }
      Thread.sleep(Math.min(POLL.toMillis(), left.toMillis()));
    }
  }

  /** The trial's deadline has passed and it is still there: see the class comment. */
  Outcome settle(AgentTrial.Trial trial) {
    String installed = sha256(jar);
    if (!installed.equals(trial.sha256())) {
      trials.commit();
      LOG.info("the agent trial of " + trial.sha256() + " is stale: the jar is " + installed);
      return Outcome.STALE;
    }
    if (agentServes.getAsBoolean()) {
      trials.commit();
      LOG.info("an agent serves on " + SOCKET + " from " + installed + ": trial committed");
      return Outcome.SERVING;
    }
    Path previous = AgentJarInstaller.previous(jar);
    if (!Files.isRegularFile(previous)) {
      throw RaidvmException.failedPrecondition("the agent jar %s did not start serving in its"
          + " trial, and there is no %s to put back", trial.sha256(), previous);
    }
    Instant now = clock.instant();
    AgentFallback record = AgentFallback.newBuilder().setFailedSha256(trial.sha256())
        .setRestoredSha256(sha256(previous))
        .setAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .setReason("the agent jar " + trial.sha256() + " did not start serving by "
            + trial.deadline() + "; the previous jar was put back (the failed one is kept as "
            + previous.getFileName() + ")")
        .build();
    trials.recordFallback(record);
    try {
      AgentJarInstaller.swapWithPrevious(jar);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot put the previous agent jar back: " + e.getMessage(),
          e);
    }
    trials.commit();
    LOG.warning(record.getReason());
    audit(record, now);
    runner.run(Command.of("systemctl", "restart", AGENT_UNIT).withTimeout(SYSTEMCTL_TIMEOUT))
        .orThrow();
    return Outcome.RESTORED;
  }

  /** A line in the agent's trail, which the controller copies into its own (origin agent). */
  private void audit(AgentFallback record, Instant now) {
    try {
      audit.append(AgentAuditEntry.newBuilder()
          .setTime(record.getAt())
          .setCaller("local " + UNIT)
          .setRpc("raidvm-agent-fallback")
          .setRequest("{\"failedSha256\":\"" + record.getFailedSha256()
              + "\",\"restoredSha256\":\"" + record.getRestoredSha256() + "\"}")
          .setCode("DEADLINE_EXCEEDED")
          .setMessage(record.getReason())
          .setDurationMs(Duration.between(now, clock.instant()).toMillis())
          .build());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot add the fallback to the audit trail", e);
    }
  }

  private static String sha256(Path file) {
    try {
      return Sha256.of(file);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether an agent answers SERVING to a health check on {@code socket}. */
  static boolean healthy(Path socket) {
    if (!UnixSocketChannels.answers(socket)) {
      return false;
    }
    ManagedChannel channel = UnixSocketChannels.open(socket, Duration.ZERO, MessageLimits.DEFAULT);
    try {
      return HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(HEALTH_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus()
          == HealthCheckResponse.ServingStatus.SERVING;
    } catch (StatusRuntimeException e) {
      return false;
    } finally {
      channel.shutdownNow();
    }
  }
}
