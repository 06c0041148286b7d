package io.raidvm.agent;

import io.grpc.stub.StreamObserver;
import io.raidvm.agent.audit.AgentAuditLog;
import io.raidvm.agent.block.BlockDevices;
import io.raidvm.agent.info.GuestInfoCollector;
import io.raidvm.agent.power.AgentRestarter;
import io.raidvm.agent.power.SystemPower;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.GuestInfo;
import io.raidvm.api.agent.v1.ListBlockDevicesRequest;
import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import io.raidvm.api.agent.v1.ReadAuditRequest;
import io.raidvm.api.agent.v1.ReadAuditResponse;
import io.raidvm.api.agent.v1.RestartAgentRequest;
import io.raidvm.api.agent.v1.RestartAgentResponse;
import io.raidvm.api.agent.v1.ShutdownRequest;
import io.raidvm.api.agent.v1.ShutdownResponse;
import io.raidvm.common.Ranges;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.Rpc;

/** The GuestAgent service: turns each request into a domain call and its result into a reply. */
final class GuestAgentGrpcService extends GuestAgentGrpc.GuestAgentImplBase {

  private final GuestInfoCollector info;
  private final BlockDevices blockDevices;
  private final SystemPower power;
  private final AgentRestarter restarter;
  private final AgentAuditLog audit;

  GuestAgentGrpcService(GuestInfoCollector info, BlockDevices blockDevices, SystemPower power,
      AgentRestarter restarter, AgentAuditLog audit) {
    this.info = info;
    this.blockDevices = blockDevices;
    this.power = power;
    this.restarter = restarter;
    this.audit = audit;
  }

  @Override
  public void getInfo(GetInfoRequest request, StreamObserver<GuestInfo> responses) {
    Rpc.unary(responses, info::collect);
  }

  @Override
  public void listBlockDevices(ListBlockDevicesRequest request,
      StreamObserver<ListBlockDevicesResponse> responses) {
    Rpc.unary(responses, () -> ListBlockDevicesResponse.newBuilder()
        .addAllDevices(blockDevices.list())
        .build());
  }

  @Override
  public void shutdown(ShutdownRequest request, StreamObserver<ShutdownResponse> responses) {
    Rpc.unary(responses, () -> {
      power.request(switch (request.getMode()) {
        case POWEROFF -> SystemPower.Action.POWEROFF;
        case REBOOT -> SystemPower.Action.REBOOT;
        default -> throw RaidvmException.invalidArgument(
            "shutdown mode must be POWEROFF or REBOOT, got %s", request.getMode());
      });
      return ShutdownResponse.getDefaultInstance();
    });
  }

  @Override
  public void restartAgent(RestartAgentRequest request,
      StreamObserver<RestartAgentResponse> responses) {
    AgentRestarter.Mode[] mode = new AgentRestarter.Mode[1];
    Rpc.unary(responses, () -> {
      mode[0] = switch (request.getMode()) {
        case GRACEFUL -> AgentRestarter.Mode.GRACEFUL;
        case HARD -> AgentRestarter.Mode.HARD;
        default -> throw RaidvmException.invalidArgument(
            "restart mode must be GRACEFUL or HARD, got %s", request.getMode());
      };
      return RestartAgentResponse.getDefaultInstance();
    });
    // Only now: the answer has passed the interceptors (the audit line is on disk) and is with
    // the transport; the restarter's delay is for the transport alone.
    if (mode[0] != null) {
      restarter.restart(mode[0]);
    }
  }

  @Override
  public void readAudit(ReadAuditRequest request, StreamObserver<ReadAuditResponse> responses) {
    Rpc.unary(responses, () -> audit.read(request.getAfterSequence(),
        Ranges.unsigned(request.getLimit())));
  }
}
