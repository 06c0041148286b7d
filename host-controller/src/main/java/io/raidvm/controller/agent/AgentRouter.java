package io.raidvm.controller.agent;

import io.grpc.Channel;

/** Finds the channel to the agent of a VM, or fails saying why there is none. */
@FunctionalInterface
public interface AgentRouter {

  /**
   * @throws io.raidvm.common.error.RaidvmException INVALID_ARGUMENT for a bad name, NOT_FOUND for
   *     an unknown VM, UNAVAILABLE when its agent is not connected
   */
  Channel channelTo(String vm);
}
