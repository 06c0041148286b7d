package io.raidvm.controller.scrub;

import io.grpc.Channel;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.GetOperationRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.SetSyncActionRequest;
import io.raidvm.api.agent.v1.SetSyncSpeedLimitRequest;
import io.raidvm.controller.provision.Guest;
import java.util.function.Function;

/** {@link ScrubGuest} through the VM's agent channel, with {@link Guest}'s deadlines. */
public final class AgentScrubGuest implements ScrubGuest {

  private final Function<String, Channel> channels;

  /** @param channels the current agent channel of a VM (UNAVAILABLE when it has none) */
  public AgentScrubGuest(Function<String, Channel> channels) {
    this.channels = channels;
  }

  private Guest guest(String vm) {
    return new Guest(vm, () -> channels.apply(vm));
  }

  @Override
  public Array array(String vm, String array) {
    return guest(vm).raid().getArray(GetArrayRequest.newBuilder().setArray(array).build());
  }

  @Override
  public void capSpeed(String vm, String array, long kibPerS) {
    guest(vm).raid().setSyncSpeedLimit(SetSyncSpeedLimitRequest.newBuilder().setArray(array)
        .setMaxKibPerS(kibPerS).build());
  }

  @Override
  public Operation startCheck(String vm, String array) {
    return guest(vm).raid().setSyncAction(SetSyncActionRequest.newBuilder().setArray(array)
        .setAction(SetSyncActionRequest.Action.CHECK).build());
  }

  @Override
  public Operation follow(String vm, String operationId) {
    return guest(vm).follow(guest(vm).operations().getOperation(
        GetOperationRequest.newBuilder().setId(operationId).build()));
  }
}
