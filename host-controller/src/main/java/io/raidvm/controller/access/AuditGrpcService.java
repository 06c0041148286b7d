package io.raidvm.controller.access;

import com.google.protobuf.util.Timestamps;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.controller.v1.AuditServiceGrpc;
import io.raidvm.api.controller.v1.ListAuditRequest;
import io.raidvm.api.controller.v1.ListAuditResponse;
import io.raidvm.common.Ranges;
import io.raidvm.common.grpc.Rpc;
import java.time.Instant;
import java.util.Optional;

/** gRPC adapter of the audit trail; a read first copies the agents' new lines into it. */
public final class AuditGrpcService extends AuditServiceGrpc.AuditServiceImplBase {

  private final AuditLog log;
  private final AgentAuditCatchUp agents;

  public AuditGrpcService(AuditLog log, AgentAuditCatchUp agents) {
    this.log = log;
    this.agents = agents;
  }

  @Override
  public void listAudit(ListAuditRequest request,
      StreamObserver<ListAuditResponse> response) {
    Rpc.unary(response, () -> {
      Optional<Instant> since = request.hasSince()
          ? Optional.of(Instant.ofEpochMilli(Timestamps.toMillis(request.getSince())))
          : Optional.empty();
      long limit = Ranges.unsigned(request.getLimit());
      AuditLog.entries(limit);
      agents.catchUp(request.getVm());
      return ListAuditResponse.newBuilder()
          .addAllEntries(log.list(request.getVm(), since, limit))
          .build();
    });
  }
}
