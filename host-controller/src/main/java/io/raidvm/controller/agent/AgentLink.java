package io.raidvm.controller.agent;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.AwaitBootRequest;
import io.raidvm.api.agent.v1.BootGrpc;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.ListBlockDevicesRequest;
import io.raidvm.api.agent.v1.ListArraysRequest;
import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.agent.v1.ShutdownRequest;
import io.raidvm.api.agent.v1.SystemState;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.MessageLimits;
import io.raidvm.common.grpc.UnixSocketChannels;
import io.raidvm.controller.access.AgentAuditPull;
import io.raidvm.controller.access.AuditLog;
import io.raidvm.controller.events.VmEventHub;
import io.raidvm.controller.vm.AgentSession;
import io.raidvm.controller.vm.AgentStatus;
import io.raidvm.controller.vm.VmPaths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The controller's gRPC channel to one VM's agent, through that VM's {@link AgentRelay}, and a
 * probe that asks the agent's health service whether it answers: every second while it does
 * not (resetting the channel's reconnect backoff), every 5 minutes while it does, and at once
 * when the guest opens its port or the event stream ends. While the agent answers, the event
 * stream and the guest closing its port (QMP) notice a lost agent, and the 5-minute probe an
 * agent that holds its port open but no longer answers (a hung guest). The channel's HTTP/2
 * keepalive, also every 5 minutes, closes a connection that went stale without closing (the
 * agent dropped the session, the guest hung), so that the next call starts a new session: under
 * software emulation each ping costs the idle agent about 35 ms of CPU, so it is rare
 * (docs/design.md, "Quiet when idle"). It tells the VM's event hub when the agent comes and
 * goes, and feeds it the agent's md events.
 *
 * <p>It also copies the agent's audit trail into the controller's ({@link AgentAuditPull}): when
 * the agent answers a probe — so on connecting, which catches up on what the agent did while the
 * controller was away —, soon after each call through the link that may change something
 * ({@link AgentCallStamp}), so that a client's call is in {@code raidctl audit} a moment after
 * its answer, and before the controller's trail is read ({@link #catchUpAudit}), which brings
 * calls made in the guest itself. A pull that finds nothing new costs the agent no file read.
 */
public final class AgentLink implements AgentSession {

  private static final Logger LOG = Logger.getLogger(AgentLink.class.getName());
  static final Duration KEEPALIVE = Duration.ofMinutes(5);
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration PROBE_DEADLINE = Duration.ofSeconds(3);
  private static final Duration PROBE_WHILE_DOWN = Duration.ofSeconds(1);
  /** Rarely while it answers: the stream and the port notice most losses sooner. */
  static final Duration PROBE_WHILE_UP = Duration.ofMinutes(5);

  private final String vm;
  private final AgentRelay relay;
  private final ManagedChannel channel;
  /** {@link #channel} with every call stamped with its caller ({@link AgentCallStamp}). */
  private final Channel calls;
  private final AgentAuditPull audit;
  private final AtomicBoolean pullPending = new AtomicBoolean();
  private final ScheduledExecutorService prober;
  private final Consumer<AgentLink> onClose;
  private final VmEventHub events;
  private final AgentEventFeed feed;
  /** The probe's next run; only the prober's thread touches it. */
  private ScheduledFuture<?> nextProbe;
  private volatile Instant connectedSince;
  private volatile boolean everConnected;
  private volatile String lastError = "";
  private volatile String relayError = "";

  private AgentLink(String vm, VmPaths paths, VmEventHub events, AuditLog auditLog,
      Consumer<AgentLink> onClose) {
    this.vm = vm;
    this.onClose = onClose;
    this.events = events;
    this.relay = AgentRelay.start(paths.agentGrpcSocket(), paths.agentSocket(),
        HANDSHAKE_TIMEOUT, error -> relayError = error);
    this.channel = UnixSocketChannels.open(paths.agentGrpcSocket(), KEEPALIVE,
        MessageLimits.DEFAULT);
    this.calls = ClientInterceptors.intercept(channel, new AgentCallStamp(this::pullSoon));
    this.audit = new AgentAuditPull(vm, paths.agentAuditCursor(), auditLog);
    this.prober = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "agent-probe-" + vm);
      t.setDaemon(true);
      return t;
    });
    this.feed = AgentEventFeed.start(vm, calls, events, prober, this::probeNow);
  }

  /**
   * Starts the relay, the channel, the probe and the event feed into {@code events}, and the
   * copy of the agent's audit trail into {@code auditLog}; {@code onClose} runs when the link
   * closes.
   */
  static AgentLink open(String vm, VmPaths paths, VmEventHub events, AuditLog auditLog,
      Consumer<AgentLink> onClose) {
    AgentLink link = new AgentLink(vm, paths, events, auditLog, onClose);
    link.prober.execute(link::probe);
    return link;
  }

  /** The channel on which calls reach the agent, each telling it its caller. */
  public Channel channel() {
    return calls;
  }

  @Override
  public AgentStatus status() {
    Instant since = connectedSince;
    return new AgentStatus(since != null, since, lastError, everConnected, relay.sessions());
  }

  @Override
  public void portChanged(boolean open) {
    if (open) {
      LOG.fine(() -> "VM " + vm + ": the guest opened the agent port");
      channel.resetConnectBackoff();
      probeNow();
    } else {
      LOG.fine(() -> "VM " + vm + ": the guest closed the agent port");
      relay.dropSessions();
      lost("the guest closed the agent port (the agent stopped)");
    }
  }

  @Override
  public void powerOff(Duration timeout) {
    shutdown(ShutdownRequest.Mode.POWEROFF, "power-off", timeout);
  }

  @Override
  public void reboot(Duration timeout) {
    shutdown(ShutdownRequest.Mode.REBOOT, "reboot", timeout);
  }

  @Override
  public ListBlockDevicesResponse listBlockDevices(Duration timeout) {
    try {
      return GuestAgentGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .listBlockDevices(ListBlockDevicesRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      throw RaidvmException.unavailable("the agent of VM '%s' did not list its block devices:"
          + " %s", vm, e.getStatus());
    }
  }

  @Override
  public List<Array> listArrays(Duration timeout) {
    try {
      return RaidGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .listArrays(ListArraysRequest.getDefaultInstance()).getArraysList();
    } catch (StatusRuntimeException e) {
      throw RaidvmException.unavailable("the agent of VM '%s' did not list its arrays: %s", vm,
          e.getStatus());
    }
  }

  @Override
  public Optional<SystemState> awaitBoot(Duration timeout) {
    try {
      return Optional.of(BootGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .awaitBoot(AwaitBootRequest.getDefaultInstance()));
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNIMPLEMENTED || code == Status.Code.PERMISSION_DENIED) {
        LOG.info(() -> "VM " + vm + ": the agent cannot say whether the boot has finished ("
            + e.getStatus() + "; an agent older than this controller, or its rpcs.conf):"
            + " ready as soon as it answers");
        return Optional.empty();
      }
      if (code == Status.Code.DEADLINE_EXCEEDED) {
        throw RaidvmException.deadlineExceeded("the boot of VM '%s' did not finish within %d s:"
            + " %s", vm, timeout.toSeconds(), e.getStatus());
      }
      throw RaidvmException.unavailable("the agent of VM '%s' did not say whether the boot has"
          + " finished: %s", vm, e.getStatus());
    }
  }

  private void shutdown(ShutdownRequest.Mode mode, String what, Duration timeout) {
    try {
      GuestAgentGrpc.newBlockingStub(calls)
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .shutdown(ShutdownRequest.newBuilder().setMode(mode).setInterruptReshape(true).build());
    } catch (StatusRuntimeException e) {
      throw RaidvmException.unavailable("the agent of VM '%s' did not accept the %s: %s",
          vm, what, e.getStatus());
    }
  }

  @Override
  public void close() {
    feed.stop();
    prober.shutdownNow();
    channel.shutdownNow();
    relay.close();
    onClose.accept(this);
  }

  /**
   * Copies the agent's new audit lines now, when it answers, so that a read of the controller's
   * trail that follows holds what the agent wrote until now.
   */
  void catchUpAudit() {
    if (connectedSince != null) {
      pullAudit();
    }
  }

  /** Runs the probe at once instead of at its next time. */
  private void probeNow() {
    try {
      prober.execute(() -> {
        if (nextProbe != null) {
          nextProbe.cancel(false);
        }
        probe();
      });
    } catch (RejectedExecutionException e) {
      // The link closed meanwhile.
    }
  }

  private void probe() {
    boolean up = check();
    if (up) {
      pullAudit();
    }
    if (!prober.isShutdown()) {
      nextProbe = prober.schedule(this::probe,
          (up ? PROBE_WHILE_UP : PROBE_WHILE_DOWN).toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private boolean check() {
    try {
      HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(PROBE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
      if (response.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
        if (connectedSince == null) {
          connectedSince = Instant.now();
          everConnected = true;
          lastError = "";
          LOG.info(() -> "VM " + vm + ": agent connected");
          events.vmEvent(VmEvent.Kind.AGENT_CONNECTED, "", "");
        }
        return true;
      }
      lost("the agent reports " + response.getStatus());
    } catch (StatusRuntimeException e) {
      String relayNote = relayError.isEmpty() ? "" : " (" + relayError + ")";
      lost(e.getStatus().getCode() + ": " + e.getStatus().getDescription() + relayNote);
    }
    if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
      channel.resetConnectBackoff();
    }
    return false;
  }

  /** Copies the agent's new audit lines soon, on the probe's thread (one pending at a time). */
  private void pullSoon() {
    if (prober.isShutdown() || !pullPending.compareAndSet(false, true)) {
      return;
    }
    try {
      prober.execute(() -> {
        pullPending.set(false);
        pullAudit();
      });
    } catch (RejectedExecutionException e) {
      // The link closed meanwhile: the next link catches up when it connects.
    }
  }

  private void pullAudit() {
    try {
      audit.pull(channel, PROBE_DEADLINE);
    } catch (StatusRuntimeException e) {
      LOG.fine(() -> "VM " + vm + ": agent audit trail not read: " + e.getStatus());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "VM " + vm + ": cannot copy the agent's audit trail", e);
    }
  }

  private void lost(String why) {
    if (connectedSince != null) {
      LOG.warning(() -> "VM " + vm + ": agent lost: " + why);
      events.vmEvent(VmEvent.Kind.AGENT_DISCONNECTED, "", why);
    }
    connectedSince = null;
    lastError = why;
  }
}
