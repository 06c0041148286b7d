package io.raidvm.controller.disk;

import io.grpc.stub.StreamObserver;
import io.raidvm.api.controller.v1.CreateDiskRequest;
import io.raidvm.api.controller.v1.DeleteDiskRequest;
import io.raidvm.api.controller.v1.DeleteDiskResponse;
import io.raidvm.api.controller.v1.Disk;
import io.raidvm.api.controller.v1.DiskServiceGrpc;
import io.raidvm.api.controller.v1.GetDiskRequest;
import io.raidvm.api.controller.v1.ListDisksRequest;
import io.raidvm.api.controller.v1.ListDisksResponse;
import io.raidvm.common.grpc.Rpc;

/** DiskService over {@link DiskManager}. */
public final class DiskGrpcService extends DiskServiceGrpc.DiskServiceImplBase {

  private final DiskManager disks;

  public DiskGrpcService(DiskManager disks) {
    this.disks = disks;
  }

  @Override
  public void createDisk(CreateDiskRequest request, StreamObserver<Disk> observer) {
    Rpc.unary(observer, () -> toProto(disks.create(request.getName(), request.getSize(),
        request.getAllowOvercommit())));
  }

  @Override
  public void getDisk(GetDiskRequest request, StreamObserver<Disk> observer) {
    Rpc.unary(observer, () -> toProto(disks.get(request.getName())));
  }

  @Override
  public void listDisks(ListDisksRequest request, StreamObserver<ListDisksResponse> observer) {
    Rpc.unary(observer, () -> ListDisksResponse.newBuilder()
        .addAllDisks(disks.list().stream().map(DiskGrpcService::toProto).toList())
        .build());
  }

  @Override
  public void deleteDisk(DeleteDiskRequest request, StreamObserver<DeleteDiskResponse> observer) {
    Rpc.unary(observer, () -> {
      disks.delete(request.getName());
      return DeleteDiskResponse.getDefaultInstance();
    });
  }

  static Disk toProto(DiskInfo disk) {
    return Disk.newBuilder()
        .setName(disk.name())
        .setPath(disk.path().toString())
        .setFormat(disk.format())
        .setVirtualSizeBytes(disk.virtualSize())
        .setActualSizeBytes(disk.actualSize())
        .addAllUsedBy(disk.usedBy())
        .setSerial(disk.serial())
        .build();
  }
}
