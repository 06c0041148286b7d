package io.raidvm.controller.provision;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.controller.v1.ProvisionEvent;
import io.raidvm.api.controller.v1.ProvisionRequest;
import io.raidvm.api.controller.v1.ProvisionServiceGrpc;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.CancelOnClose;
import io.raidvm.common.grpc.Statuses;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The Provision call: one provision per VM at a time, its events streamed as they happen. */
public final class ProvisionGrpcService extends ProvisionServiceGrpc.ProvisionServiceImplBase {

  private final Provisioner provisioner;
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  public ProvisionGrpcService(Provisioner provisioner) {
    this.provisioner = provisioner;
  }

  @Override
  public void provision(ProvisionRequest request, StreamObserver<ProvisionEvent> observer) {
    ServerCallStreamObserver<ProvisionEvent> call =
        (ServerCallStreamObserver<ProvisionEvent>) observer;
    String vm = request.getSpec().getVm();
    try (CancelOnClose cancel = new CancelOnClose()) {
      ProvisionSpec spec = provisioner.plan(request.getSpec());
      if (!running.add(vm)) {
        throw RaidvmException.failedPrecondition("a provision of VM %s is running already: wait"
            + " for it, or cancel it", vm);
      }
      try {
        provisioner.run(spec, event -> {
          if (!call.isCancelled()) {
            call.onNext(event);
          }
        });
      } finally {
        running.remove(vm);
      }
    } catch (RuntimeException e) {
      call.onError(Statuses.toStatus(e));
      return;
    }
    call.onCompleted();
  }
}
