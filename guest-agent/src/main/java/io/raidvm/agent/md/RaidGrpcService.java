package io.raidvm.agent.md;

import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.AddMemberRequest;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.ExamineMemberRequest;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.GetMdstatRequest;
import io.raidvm.api.agent.v1.GrowArrayRequest;
import io.raidvm.api.agent.v1.ListArraysRequest;
import io.raidvm.api.agent.v1.ListArraysResponse;
import io.raidvm.api.agent.v1.Mdstat;
import io.raidvm.api.agent.v1.MemberRequest;
import io.raidvm.api.agent.v1.MemberSuperblock;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.agent.v1.ReplaceMemberRequest;
import io.raidvm.api.agent.v1.ResumeSyncRequest;
import io.raidvm.api.agent.v1.SetSyncActionRequest;
import io.raidvm.api.agent.v1.SetSyncSpeedLimitRequest;
import io.raidvm.api.agent.v1.ZeroSuperblockRequest;
import io.raidvm.api.agent.v1.ZeroSuperblockResponse;
import io.raidvm.common.grpc.Rpc;

/** The Raid service: turns each request into an array or member call and its result back. */
public final class RaidGrpcService extends RaidGrpc.RaidImplBase {

  private final ArrayManager arrays;
  private final MemberManager members;
  private final ArrayGrower grower;

  public RaidGrpcService(ArrayManager arrays, MemberManager members, ArrayGrower grower) {
    this.arrays = arrays;
    this.members = members;
    this.grower = grower;
  }

  @Override
  public void createArray(CreateArrayRequest request, StreamObserver<Operation> responses) {
    Rpc.unary(responses, () -> arrays.create(request));
  }

  @Override
  public void listArrays(ListArraysRequest request,
      StreamObserver<ListArraysResponse> responses) {
    Rpc.unary(responses, () -> ListArraysResponse.newBuilder().addAllArrays(arrays.list())
        .build());
  }

  @Override
  public void getArray(GetArrayRequest request, StreamObserver<Array> responses) {
    Rpc.unary(responses, () -> request.getFromMdadm()
        ? arrays.getFromMdadm(request.getArray()) : arrays.get(request.getArray()));
  }

  @Override
  public void examineMember(ExamineMemberRequest request,
      StreamObserver<MemberSuperblock> responses) {
    Rpc.unary(responses, () -> arrays.examine(request.getDevice()));
  }

  @Override
  public void setSyncAction(SetSyncActionRequest request, StreamObserver<Operation> responses) {
    Rpc.unary(responses, () -> arrays.setSyncAction(request.getArray(), request.getAction()));
  }

  @Override
  public void setSyncSpeedLimit(SetSyncSpeedLimitRequest request,
      StreamObserver<Array> responses) {
    Rpc.unary(responses,
        () -> arrays.setSyncSpeedLimit(request.getArray(), request.getMaxKibPerS()));
  }

  @Override
  public void failMember(MemberRequest request, StreamObserver<Array> responses) {
    Rpc.unary(responses, () -> members.fail(request.getArray(), request.getDevice(),
        request.getAllowDataLoss()));
  }

  @Override
  public void removeMember(MemberRequest request, StreamObserver<Array> responses) {
    Rpc.unary(responses, () -> members.remove(request.getArray(), request.getDevice()));
  }

  @Override
  public void addMember(AddMemberRequest request, StreamObserver<Operation> responses) {
    Rpc.unary(responses,
        () -> members.add(request.getArray(), request.getDevice(), request.getForce()));
  }

  @Override
  public void zeroSuperblock(ZeroSuperblockRequest request,
      StreamObserver<ZeroSuperblockResponse> responses) {
    Rpc.unary(responses, () -> {
      members.zeroSuperblock(request.getDevice(), request.getForce());
      return ZeroSuperblockResponse.getDefaultInstance();
    });
  }

  @Override
  public void replaceMember(ReplaceMemberRequest request, StreamObserver<Operation> responses) {
    Rpc.unary(responses,
        () -> members.replace(request.getArray(), request.getDevice(), request.getNewDisk(),
            request.getForce(), request.getAllowDataLoss()));
  }

  @Override
  public void resumeSync(ResumeSyncRequest request, StreamObserver<Operation> responses) {
    Rpc.unary(responses, () -> arrays.resumeSync(request.getArray()));
  }

  @Override
  public void getMdstat(GetMdstatRequest request, StreamObserver<Mdstat> responses) {
    Rpc.unary(responses, () -> Mdstat.newBuilder().setText(arrays.mdstat()).build());
  }

  @Override
  public void growArray(GrowArrayRequest request, StreamObserver<Operation> responses) {
    Rpc.unary(responses, () -> grower.grow(request));
  }
}
