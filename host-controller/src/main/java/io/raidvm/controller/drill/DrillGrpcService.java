package io.raidvm.controller.drill;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.controller.v1.DrillEvent;
import io.raidvm.api.controller.v1.DrillRequest;
import io.raidvm.api.controller.v1.DrillServiceGrpc;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.CancelOnClose;
import io.raidvm.common.grpc.Statuses;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The Drill call: checked whole first, one drill per VM at a time, its steps streamed. */
public final class DrillGrpcService extends DrillServiceGrpc.DrillServiceImplBase {

  private final Driller driller;
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  public DrillGrpcService(Driller driller) {
    this.driller = driller;
  }

  @Override
  public void drill(DrillRequest request, StreamObserver<DrillEvent> observer) {
    ServerCallStreamObserver<DrillEvent> call = (ServerCallStreamObserver<DrillEvent>) observer;
    try (CancelOnClose cancel = new CancelOnClose()) {
      DrillPlan plan = driller.plan(request);
      if (!running.add(plan.vm())) {
        throw RaidvmException.failedPrecondition("a drill on VM %s is running already: wait"
            + " for its report", plan.vm());
      }
      try {
        driller.run(plan, event -> {
          if (!call.isCancelled()) {
            call.onNext(event);
          }
        });
      } finally {
        running.remove(plan.vm());
      }
    } catch (RuntimeException e) {
      call.onError(Statuses.toStatus(e));
      return;
    }
    call.onCompleted();
  }
}
