package io.raidvm.controller.agent;

import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Deadline;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.controller.vm.VmManager;
import io.raidvm.controller.vm.VmStatus;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Routes to the agents of this controller's VMs. */
public final class VmAgentRouter implements AgentRouter {

  /**
   * How long a call waits for a link that has not connected yet since it was opened (a
   * controller that has just started or re-attached): its first handshake takes a second or two.
   * A link that was connected and is not now (the agent went away) fails calls at once.
   */
  static final Duration FIRST_CONNECT_GRACE = Duration.ofSeconds(20);
  private static final long POLL_MILLIS = 100;

  private final VmManager vms;
  private final AgentLinks links;

  public VmAgentRouter(VmManager vms, AgentLinks links) {
    this.vms = vms;
    this.links = links;
  }

  @Override
  public Channel channelTo(String vm) {
    VmStatus status = vms.get(vm);
    AgentLink link = links.get(vm).orElse(null);
    if (link != null && !link.status().everConnected()) {
      awaitFirstConnect(link);
    }
    if (link == null || !link.status().connected()) {
      String lastError = status.agent().lastError();
      throw RaidvmException.unavailable("the agent of VM '%s' is not connected (VM state %s%s%s)",
          vm, status.state(),
          status.stateReason().isEmpty() ? "" : ": " + status.stateReason(),
          lastError.isEmpty() ? "" : "; last error: " + lastError);
    }
    return link.channel();
  }

  @Override
  public Optional<String> endOf(String vm) {
    return vms.endOf(vm);
  }

  private static void awaitFirstConnect(AgentLink link) {
    Deadline grace = Deadline.after(FIRST_CONNECT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    Deadline call = Context.current().getDeadline();
    Deadline until = call == null ? grace : call.minimum(grace);
    while (!link.status().everConnected() && !until.isExpired()) {
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
