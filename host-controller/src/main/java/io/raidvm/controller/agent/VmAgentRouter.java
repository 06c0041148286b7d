package io.raidvm.controller.agent;

import io.grpc.Channel;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.controller.vm.VmManager;
import io.raidvm.controller.vm.VmStatus;

/** Routes to the agents of this controller's VMs. */
public final class VmAgentRouter implements AgentRouter {

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
    if (link == null || !link.status().connected()) {
      String lastError = status.agent().lastError();
      throw RaidvmException.unavailable("the agent of VM '%s' is not connected (VM state %s%s)",
          vm, status.state(), lastError.isEmpty() ? "" : "; last error: " + lastError);
    }
    return link.channel();
  }
}
