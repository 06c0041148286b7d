package io.raidvm.controller.agent;

import io.grpc.Channel;
import java.util.Optional;

/** Finds the channel to the agent of a VM, or fails saying why there is none. */
@FunctionalInterface
public interface AgentRouter {

  /**
   * @throws io.raidvm.common.error.RaidvmException INVALID_ARGUMENT for a bad name, NOT_FOUND for
   *     an unknown VM, UNAVAILABLE when its agent is not connected
   */
  Channel channelTo(String vm);

  /**
   * How the VM went away, as a sentence naming it, when it is known to have ended: a call to its
   * agent that ends UNAVAILABLE then says this instead of what the broken channel said.
   */
  default Optional<String> endOf(String vm) {
    return Optional.empty();
  }
}
