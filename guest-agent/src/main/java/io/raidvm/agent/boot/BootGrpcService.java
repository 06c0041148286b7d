package io.raidvm.agent.boot;

import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.AddFstabEntryRequest;
import io.raidvm.api.agent.v1.AwaitBootRequest;
import io.raidvm.api.agent.v1.BootGrpc;
import io.raidvm.api.agent.v1.BootState;
import io.raidvm.api.agent.v1.ConfigChange;
import io.raidvm.api.agent.v1.GetBootStateRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.PersistArrayRequest;
import io.raidvm.api.agent.v1.SystemState;
import io.raidvm.api.agent.v1.UpdateInitramfsRequest;
import io.raidvm.common.grpc.Rpc;
import java.time.Instant;

/** The Boot service: turns each request into a domain call and its result into a reply. */
public final class BootGrpcService extends BootGrpc.BootImplBase {

  private final BootConfig config;
  private final Initramfs initramfs;
  private final BootTimes times;
  private final SystemdBoot systemd;

  public BootGrpcService(BootConfig config, Initramfs initramfs, BootTimes times,
      SystemdBoot systemd) {
    this.config = config;
    this.initramfs = initramfs;
    this.times = times;
    this.systemd = systemd;
  }

  @Override
  public void persistArray(PersistArrayRequest request, StreamObserver<ConfigChange> responses) {
    Rpc.unary(responses, () -> config.persistArray(request.getArray(),
        request.getReplaceStale()));
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

  @Override
  public void getBootState(GetBootStateRequest request, StreamObserver<BootState> responses) {
    Rpc.unary(responses, times::state);
  }

  @Override
  public void awaitBoot(AwaitBootRequest request, StreamObserver<SystemState> responses) {
    Instant deadline = Rpc.deadline();
    Rpc.unary(responses, () -> systemd.await(deadline));
  }
}
