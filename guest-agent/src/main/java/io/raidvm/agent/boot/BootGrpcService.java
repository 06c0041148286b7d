package io.raidvm.agent.boot;

import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.AddFstabEntryRequest;
import io.raidvm.api.agent.v1.BootGrpc;
import io.raidvm.api.agent.v1.ConfigChange;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.PersistArrayRequest;
import io.raidvm.api.agent.v1.UpdateInitramfsRequest;
import io.raidvm.common.grpc.Rpc;

/** The Boot service: turns each request into a domain call and its result into a reply. */
public final class BootGrpcService extends BootGrpc.BootImplBase {

  private final BootConfig config;
  private final Initramfs initramfs;

  public BootGrpcService(BootConfig config, Initramfs initramfs) {
    this.config = config;
    this.initramfs = initramfs;
  }

  @Override
  public void persistArray(PersistArrayRequest request, StreamObserver<ConfigChange> responses) {
    Rpc.unary(responses, () -> config.persistArray(request.getArray()));
  }

  @Override
  public void addFstabEntry(AddFstabEntryRequest request,
      StreamObserver<ConfigChange> responses) {
    Rpc.unary(responses, () -> config.addFstabEntry(request.getDevice(), request.getMountPoint(),
        request.getOptions()));
  }

  @Override
  public void updateInitramfs(UpdateInitramfsRequest request,
      StreamObserver<Operation> responses) {
    Rpc.unary(responses, initramfs::update);
  }
}
