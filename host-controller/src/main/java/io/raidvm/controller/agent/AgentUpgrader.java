package io.raidvm.controller.agent;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.api.agent.v1.AgentFallback;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.GuestInfo;
import io.raidvm.api.agent.v1.InstallAgentResponse;
import io.raidvm.api.agent.v1.RollbackAgentRequest;
import io.raidvm.api.controller.v1.UpgradeAgentResponse;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.AgentJarUpload;
import io.raidvm.common.grpc.Statuses;
import io.raidvm.controller.image.AgentJar;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Brings a VM's guest agent to the agent jar this controller carries — the one its images are
 * built with — or back to the jar that the last upgrade replaced (docs/design.md, "Agent
 * upgrade"). Agents are compared by the SHA-256 of their jar (GetInfo's {@code jar_sha256}): two
 * builds of one version are two agents. After the agent has answered, the call waits until a new
 * agent process answers and checks the jar it reports.
 */
public final class AgentUpgrader {

  /** A 24 MiB jar over virtio-serial under TCG, with room. */
  static final Duration SEND_TIMEOUT = Duration.ofMinutes(10);
  static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);
  /** A JVM start under TCG, and the new agent's first GetInfo reads its jar's hash. */
  public static final Duration RESTART_TIMEOUT = Duration.ofMinutes(3);
  /**
   * How long a jar the controller sends has to serve before the guest puts the previous one back
   * by itself (the agent's default trial, sent explicitly: the wait below depends on it).
   */
  static final Duration TRIAL = Duration.ofMinutes(5);
  private static final Duration POLL = Duration.ofMillis(250);

  private final Function<String, Channel> channels;
  private final Function<String, VmState> states;
  private final AgentJar jar;
  private final Duration restartTimeout;
  private final Set<String> upgrading = ConcurrentHashMap.newKeySet();

  /**
   * @param channels a VM's current agent channel (UNAVAILABLE when it has none)
   * @param states a VM's state (NOT_FOUND for an unknown VM)
   */
  public AgentUpgrader(Function<String, Channel> channels, Function<String, VmState> states,
      AgentJar jar, Duration restartTimeout) {
    this.channels = channels;
    this.states = states;
    this.jar = jar;
    this.restartTimeout = restartTimeout;
  }

  /** The agent this controller carries, as GetInfo would report it. */
  public String bundledSha256() {
    return jar.sha256();
  }

  /** Whether the VM's agent runs this controller's jar (one GetInfo call). */
  public boolean isCurrent(String vm) {
    return info(vm).getAgent().getJarSha256().equals(jar.sha256());
  }

  /**
   * Sends this controller's agent unless the VM's runs it already.
   *
   * @throws RaidvmException NOT_FOUND, FAILED_PRECONDITION (the VM is not READY, an operation or
   *     another upgrade runs, an agent older than upgrades, the new agent reports another jar),
   *     DEADLINE_EXCEEDED when no new agent answers in time
   */
  public UpgradeAgentResponse upgrade(String vm) {
    return exclusively(vm, () -> {
      GuestInfo before = info(vm);
      String target = jar.sha256();
      if (before.getAgent().getJarSha256().equals(target)) {
        return answer(UpgradeAgentResponse.Result.ALREADY_CURRENT, before, before,
            "the agent of " + vm + " is already current (" + describe(before) + ")");
      }
      InstallAgentResponse sent = agentCall(vm, "InstallAgent",
          () -> AgentJarUpload.send(channels.apply(vm), jar.bytes(), SEND_TIMEOUT, TRIAL));
      if (sent.getResult() == InstallAgentResponse.Result.ALREADY_CURRENT) {
        return answer(UpgradeAgentResponse.Result.ALREADY_CURRENT, before, before,
            "the agent of " + vm + " is already current (" + describe(before) + ")");
      }
      GuestInfo after = awaitNewAgent(vm, before, target);
      return answer(UpgradeAgentResponse.Result.UPGRADED, before, after, "upgraded the agent of "
          + vm + " from " + describe(before) + " to " + describe(after));
    });
  }

  /** Puts back the jar the last upgrade replaced, and waits for the agent that runs it. */
  public UpgradeAgentResponse rollback(String vm) {
    return exclusively(vm, () -> {
      GuestInfo before = info(vm);
      InstallAgentResponse done = agentCall(vm, "RollbackAgent", () -> stub(vm, CALL_TIMEOUT)
          .rollbackAgent(RollbackAgentRequest.getDefaultInstance()));
      GuestInfo after = awaitNewAgent(vm, before, done.getInstalledSha256());
      return answer(UpgradeAgentResponse.Result.ROLLED_BACK, before, after, "rolled the agent"
          + " of " + vm + " back from " + describe(before) + " to " + describe(after));
    });
  }

  private UpgradeAgentResponse exclusively(String vm,
      Supplier<UpgradeAgentResponse> body) {
    VmState state = states.apply(vm);
    if (state != VmState.READY) {
      throw RaidvmException.failedPrecondition("VM %s is %s: its agent must answer to be"
          + " upgraded (raidctl vm start %s)", vm, state, vm);
    }
    if (!upgrading.add(vm)) {
      throw RaidvmException.failedPrecondition("an agent upgrade of VM %s already runs", vm);
    }
    try {
      return body.get();
    } finally {
      upgrading.remove(vm);
    }
  }

  /**
   * Waits until an agent process other than {@code before}'s answers (the old one answers for a
   * moment after its reply), then checks that it runs {@code expected}. A jar that never serves
   * is put back by the guest after its trial, so the wait covers the trial too: the answer is
   * then the agent that came back, which reports the fallback.
   */
  private GuestInfo awaitNewAgent(String vm, GuestInfo before, String expected) {
    Duration wait = restartTimeout.plus(TRIAL);
    long deadline = System.nanoTime() + wait.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        GuestInfo now = info(vm);
        if (now.getAgent().getPid() != before.getAgent().getPid()
            || !now.getAgent().getStartedAt().equals(before.getAgent().getStartedAt())) {
          AgentFallback fallback = now.getAgent().getLastFallback();
          if (!now.getAgent().getJarSha256().equals(expected)
              && fallback.getFailedSha256().equals(expected)) {
            throw RaidvmException.failedPrecondition("the new agent of VM %s (jar %s) did not"
                + " start serving within its trial: the guest put jar %s back by itself (%s);"
                + " the failed jar is kept as raidvm-agent.jar.previous, its log is in the"
                + " guest's journal (raidctl vm console %s)", vm, shortHash(expected),
                shortHash(fallback.getRestoredSha256()), fallback.getReason(), vm);
          }
          if (!now.getAgent().getJarSha256().equals(expected)) {
            throw RaidvmException.failedPrecondition("the agent of VM %s came back running jar"
                + " %s, not %s", vm, shortHash(now.getAgent().getJarSha256()),
                shortHash(expected));
          }
          return now;
        }
      } catch (StatusRuntimeException e) {
        last = e;
      } catch (RaidvmException e) {
        if (e.kind() == RaidvmException.Kind.FAILED_PRECONDITION) {
          throw e;
        }
        last = e;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RaidvmException(RaidvmException.Kind.CANCELLED, "interrupted while waiting"
            + " for the new agent of VM " + vm);
      }
    }
    throw new RaidvmException(RaidvmException.Kind.DEADLINE_EXCEEDED, String.format("no new"
        + " agent of VM %s answered within %d s after the swap%s; its console: raidctl vm"
        + " console %s", vm, wait.toSeconds(), last == null ? ""
        : " (last: " + Statuses.toStatus(last).getStatus().getDescription() + ")", vm));
  }

  /** An agent call; UNIMPLEMENTED means an agent from before upgrades over the link. */
  private static <T> T agentCall(String vm, String method,
      Supplier<T> call) {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        throw RaidvmException.failedPrecondition("the agent of VM %s has no %s: it is older"
            + " than agent upgrades; make its OS disk again from a current image (raidctl vm"
            + " delete %s, then create it again)", vm, method, vm);
      }
      throw e;
    }
  }

  private GuestInfo info(String vm) {
    return stub(vm, CALL_TIMEOUT).getInfo(GetInfoRequest.getDefaultInstance());
  }

  private GuestAgentGrpc.GuestAgentBlockingStub stub(String vm, Duration timeout) {
    return GuestAgentGrpc.newBlockingStub(channels.apply(vm))
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static UpgradeAgentResponse answer(UpgradeAgentResponse.Result result,
      GuestInfo before, GuestInfo after, String message) {
    return UpgradeAgentResponse.newBuilder().setResult(result)
        .setFromSha256(before.getAgent().getJarSha256())
        .setFromVersion(before.getAgent().getVersion())
        .setToSha256(after.getAgent().getJarSha256())
        .setToVersion(after.getAgent().getVersion())
        .setAgentPid(after.getAgent().getPid())
        .setMessage(message).build();
  }

  /** "0.1.0 (jar 1a2b3c4d5e6f)", or "(jar not reported)" for an agent older than the field. */
  static String describe(GuestInfo info) {
    String sha = info.getAgent().getJarSha256();
    return info.getAgent().getVersion() + " (jar "
        + (sha.isEmpty() ? "not reported" : shortHash(sha)) + ", pid " + info.getAgent().getPid()
        + ")";
  }

  private static String shortHash(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) : sha;
  }
}
