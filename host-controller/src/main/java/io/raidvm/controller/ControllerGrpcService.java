package io.raidvm.controller;

import com.google.protobuf.util.Timestamps;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.controller.v1.ControllerInfo;
import io.raidvm.api.controller.v1.ControllerServiceGrpc;
import io.raidvm.api.controller.v1.GetControllerInfoRequest;
import io.raidvm.common.grpc.Rpc;
import io.raidvm.common.process.ProcessFigures;
import io.raidvm.controller.vm.VmStatus;
import java.util.List;
import java.util.function.Supplier;

/** The controller's own figures: version, process, what it costs, how many VMs run. */
public final class ControllerGrpcService extends ControllerServiceGrpc.ControllerServiceImplBase {

  private final Supplier<List<VmStatus>> vms;

  public ControllerGrpcService(Supplier<List<VmStatus>> vms) {
    this.vms = vms;
  }

  @Override
  public void getControllerInfo(GetControllerInfoRequest request,
      StreamObserver<ControllerInfo> response) {
    Rpc.unary(response, this::info);
  }

  ControllerInfo info() {
    ProcessFigures figures = ProcessFigures.current();
    List<VmStatus> all = vms.get();
    return ControllerInfo.newBuilder()
        .setVersion(ProcessFigures.version(getClass()))
        .setPid(figures.pid())
        .setStartedAt(Timestamps.fromMillis(figures.startedAt().toEpochMilli()))
        .setJavaVersion(figures.javaVersion())
        .setCpuMillis(figures.cpuMillis())
        .setRssBytes(figures.rssBytes())
        .setThreads(figures.threads())
        .setVms(all.size())
        .setVmsRunning((int) all.stream().filter(vm -> VmStatus.qemuRuns(vm.state())).count())
        .build();
  }
}
