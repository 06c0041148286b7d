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
import io.raidvm.api.agent.v1.AssembleArrayRequest;
import io.raidvm.api.agent.v1.RetireArrayRequest;
import io.raidvm.api.agent.v1.RetirePlan;
import io.raidvm.api.agent.v1.SetBitmapRequest;
import io.raidvm.api.agent.v1.SetWriteMostlyRequest;
import io.raidvm.api.agent.v1.StopArrayRequest;
import io.raidvm.api.agent.v1.StopArrayResponse;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.Rpc;

/** The Raid service: turns each request into an array or member call and its result back. */
public final class RaidGrpcService extends RaidGrpc.RaidImplBase {

  private final ArrayManager arrays;
  private final MemberManager members;
  private final ArrayGrower grower;
  private final Spares spares;
  private final ArrayStopper stopper;
  private final ArrayAssembler assembler;
  private final ArrayRetirement retirement;
  private final ArrayTuning tuning;

  /**
   * The managers of one context; growing also follows the reshape as an operation and grows the
   * filesystem, stopping and retiring also unmount and edit the boot files.
   */
  public RaidGrpcService(MdContext md, ArrayGrower grower, ArrayStopper stopper,
      ArrayRetirement retirement) {
    this.arrays = new ArrayManager(md);
    this.members = new MemberManager(md);
    this.grower = grower;
    this.spares = new Spares(md);
    this.stopper = stopper;
    this.assembler = new ArrayAssembler(md);
    this.retirement = retirement;
    this.tuning = new ArrayTuning(md);
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

  @Override
  public void addSpare(AddMemberRequest request, StreamObserver<Array> responses) {
    Rpc.unary(responses,
        () -> spares.add(request.getArray(), request.getDevice(), request.getForce()));
  }

  @Override
  public void removeSpare(MemberRequest request, StreamObserver<Array> responses) {
    Rpc.unary(responses, () -> spares.remove(request.getArray(), request.getDevice()));
  }

  @Override
  public void stopArray(StopArrayRequest request, StreamObserver<StopArrayResponse> responses) {
    Rpc.unary(responses, () -> stopper.stop(request.getArray(), request.getAlsoUnmount()));
  }

  @Override
  public void assembleArray(AssembleArrayRequest request, StreamObserver<Array> responses) {
    Rpc.unary(responses, () -> assembler.assemble(request.getUuid(), request.getArray(),
        request.getAllowDegraded()));
  }

  @Override
  public void retireArray(RetireArrayRequest request, StreamObserver<RetirePlan> responses) {
    Rpc.unary(responses, () -> retirement.retire(request.getArray(), request.getUuid(),
        request.getExecute()));
  }

  @Override
  public void setBitmap(SetBitmapRequest request, StreamObserver<Array> responses) {
    Rpc.unary(responses, () -> tuning.setBitmap(request.getArray(), switch (request.getBitmap()) {
      case BITMAP_INTERNAL -> true;
      case BITMAP_NONE -> false;
      default -> throw RaidvmException.invalidArgument("bitmap must be BITMAP_INTERNAL or"
          + " BITMAP_NONE, got %s", request.getBitmap());
    }));
  }

  @Override
  public void setWriteMostly(SetWriteMostlyRequest request, StreamObserver<Array> responses) {
    Rpc.unary(responses, () -> tuning.setWriteMostly(request.getArray(), request.getDevice(),
        request.getWriteMostly()));
  }
}
