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

/** gRPC adapter of the audit trail. */
public final class AuditGrpcService extends AuditServiceGrpc.AuditServiceImplBase {

  private final AuditLog log;

  public AuditGrpcService(AuditLog log) {
    this.log = log;
  }

  @Override
  public void listAudit(ListAuditRequest request,
      StreamObserver<ListAuditResponse> response) {
    Rpc.unary(response, () -> ListAuditResponse.newBuilder()
        .addAllEntries(log.list(request.getVm(),
            request.hasSince()
                ? Optional.of(Instant.ofEpochMilli(Timestamps.toMillis(request.getSince())))
                : Optional.empty(),
            Ranges.unsigned(request.getLimit())))
        .build());
  }
}
