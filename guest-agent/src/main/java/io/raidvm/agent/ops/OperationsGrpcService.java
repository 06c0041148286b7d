package io.raidvm.agent.ops;

import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.GetOperationRequest;
import io.raidvm.api.agent.v1.ListOperationsRequest;
import io.raidvm.api.agent.v1.ListOperationsResponse;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.OperationsGrpc;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.Rpc;
import io.raidvm.common.grpc.Statuses;
import java.time.Duration;

/** Looks up and follows the agent's long operations. */
public final class OperationsGrpcService extends OperationsGrpc.OperationsImplBase {

  /** How often a waiting stream sends the operation even when nothing changed (a heartbeat). */
  static final Duration HEARTBEAT = Duration.ofSeconds(10);

  private final OperationRegistry registry;

  public OperationsGrpcService(OperationRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void getOperation(GetOperationRequest request, StreamObserver<Operation> response) {
    Rpc.unary(response, () -> registry.get(request.getId()).snapshot());
  }

  @Override
  public void listOperations(ListOperationsRequest request,
      StreamObserver<ListOperationsResponse> response) {
    Rpc.unary(response, () -> ListOperationsResponse.newBuilder()
        .addAllOperations(registry.list()).build());
  }

  @Override
  public void waitOperation(GetOperationRequest request, StreamObserver<Operation> response) {
    ServerCallStreamObserver<Operation> call = (ServerCallStreamObserver<Operation>) response;
    try {
      OperationHandle handle = registry.get(request.getId());
      long seen = handle.version();
      Operation now = handle.snapshot();
      call.onNext(now);
      while (now.getState() == Operation.State.RUNNING) {
        if (call.isCancelled() || Context.current().isCancelled()) {
          return;
        }
        seen = handle.awaitChange(seen, HEARTBEAT);
        now = handle.snapshot();
        call.onNext(now);
      }
      call.onCompleted();
    } catch (InterruptedException e) {
      call.onError(Statuses.toStatus(RaidvmException.interrupted("waiting for an operation", e)));
    } catch (RuntimeException e) {
      call.onError(Statuses.toStatus(e));
    }
  }
}
