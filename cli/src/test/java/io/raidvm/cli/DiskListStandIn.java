package io.raidvm.cli;

import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.controller.v1.Disk;
import io.raidvm.api.controller.v1.DiskServiceGrpc;
import io.raidvm.api.controller.v1.ListDisksRequest;
import io.raidvm.api.controller.v1.ListDisksResponse;

/** A controller stand-in's disk service that lists one disk, to see which controller answered. */
public final class DiskListStandIn {

  private DiskListStandIn() {}

  public static ServerServiceDefinition listing(String disk) {
    return new DiskServiceGrpc.DiskServiceImplBase() {
      @Override
      public void listDisks(ListDisksRequest req, StreamObserver<ListDisksResponse> obs) {
        obs.onNext(ListDisksResponse.newBuilder()
            .addDisks(Disk.newBuilder().setName(disk).setFormat("qcow2")).build());
        obs.onCompleted();
      }
    }.bindService();
  }
}
