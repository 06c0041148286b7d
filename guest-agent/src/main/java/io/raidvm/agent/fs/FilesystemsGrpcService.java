package io.raidvm.agent.fs;

import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.CheckFilesystemRequest;
import io.raidvm.api.agent.v1.FilesystemsGrpc;
import io.raidvm.api.agent.v1.GetUsageRequest;
import io.raidvm.api.agent.v1.MakeFilesystemRequest;
import io.raidvm.api.agent.v1.MountRequest;
import io.raidvm.api.agent.v1.MountedFilesystem;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.UnmountRequest;
import io.raidvm.api.agent.v1.UnmountResponse;
import io.raidvm.common.grpc.Rpc;

/** The Filesystems service: turns each request into a domain call and its result into a reply. */
public final class FilesystemsGrpcService extends FilesystemsGrpc.FilesystemsImplBase {

  private final Mkfs mkfs;
  private final Mounter mounter;
  private final Usage usage;
  private final E2fsck e2fsck;

  public FilesystemsGrpcService(Mkfs mkfs, Mounter mounter, Usage usage, E2fsck e2fsck) {
    this.mkfs = mkfs;
    this.mounter = mounter;
    this.usage = usage;
    this.e2fsck = e2fsck;
  }

  @Override
  public void makeFilesystem(MakeFilesystemRequest request, StreamObserver<Operation> responses) {
    Rpc.unary(responses, () -> mkfs.make(request.getDevice(), request.getType(),
        request.getLabel(), request.getOptionsList(), request.getForce()));
  }

  @Override
  public void mount(MountRequest request, StreamObserver<MountedFilesystem> responses) {
    Rpc.unary(responses, () -> mounter.mount(request.getDevice(), request.getMountPoint(),
        request.getOptionsList()));
  }

  @Override
  public void unmount(UnmountRequest request, StreamObserver<UnmountResponse> responses) {
    Rpc.unary(responses, () -> {
      mounter.unmount(request.getTarget());
      return UnmountResponse.getDefaultInstance();
    });
  }

  @Override
  public void getUsage(GetUsageRequest request, StreamObserver<MountedFilesystem> responses) {
    Rpc.unary(responses, () -> usage.get(request.getTarget()));
  }

  @Override
  public void checkFilesystem(CheckFilesystemRequest request,
      StreamObserver<Operation> responses) {
    Rpc.unary(responses, () -> e2fsck.check(request.getDevice()));
  }
}
