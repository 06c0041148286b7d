package io.raidvm.controller.scrub;

import io.grpc.stub.StreamObserver;
import io.raidvm.api.controller.v1.ListScrubHistoryRequest;
import io.raidvm.api.controller.v1.ListScrubHistoryResponse;
import io.raidvm.api.controller.v1.ListScrubSchedulesRequest;
import io.raidvm.api.controller.v1.ListScrubSchedulesResponse;
import io.raidvm.api.controller.v1.RunScrubRequest;
import io.raidvm.api.controller.v1.ScrubRun;
import io.raidvm.api.controller.v1.ScrubSchedule;
import io.raidvm.api.controller.v1.ScrubServiceGrpc;
import io.raidvm.api.controller.v1.SetScrubScheduleRequest;
import io.raidvm.common.grpc.Rpc;

/** gRPC adapter of the {@link Scrubber}. */
public final class ScrubGrpcService extends ScrubServiceGrpc.ScrubServiceImplBase {

  private final Scrubber scrubber;

  public ScrubGrpcService(Scrubber scrubber) {
    this.scrubber = scrubber;
  }

  @Override
  public void setScrubSchedule(SetScrubScheduleRequest r, StreamObserver<ScrubSchedule> out) {
    Rpc.unary(out, () -> scrubber.set(r.getVm(), r.getArray(), r.getCron(), r.getTimeZone(),
        r.getSpeedLimitKibPerS()));
  }

  @Override
  public void listScrubSchedules(ListScrubSchedulesRequest r,
      StreamObserver<ListScrubSchedulesResponse> out) {
    Rpc.unary(out, () -> ListScrubSchedulesResponse.newBuilder()
        .addAllSchedules(scrubber.list(r.getVm())).build());
  }

  @Override
  public void runScrub(RunScrubRequest r, StreamObserver<ScrubRun> out) {
    Rpc.unary(out, () -> scrubber.runNow(r.getVm(), r.getArray(), r.getSpeedLimitKibPerS()));
  }

  @Override
  public void listScrubHistory(ListScrubHistoryRequest r,
      StreamObserver<ListScrubHistoryResponse> out) {
    Rpc.unary(out, () -> ListScrubHistoryResponse.newBuilder()
        .addAllRuns(scrubber.history(r.getVm(), r.getArray(),
            (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(r.getLimit()))))
        .build());
  }
}
