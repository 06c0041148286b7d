package io.raidvm.cli.support;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.stub.AbstractBlockingStub;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.controller.v1.AlertServiceGrpc;
import io.raidvm.api.controller.v1.AuditServiceGrpc;
import io.raidvm.api.controller.v1.ControllerServiceGrpc;
import io.raidvm.api.controller.v1.DiskServiceGrpc;
import io.raidvm.api.controller.v1.ImageServiceGrpc;
import io.raidvm.api.controller.v1.DrillServiceGrpc;
import io.raidvm.api.controller.v1.ProvisionServiceGrpc;
import io.raidvm.api.controller.v1.ScrubServiceGrpc;
import io.raidvm.api.controller.v1.VmServiceGrpc;
import io.raidvm.common.grpc.AgentRouting;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A connection to the controller and the stubs of its services, each with a deadline. */
public final class ControllerClient implements AutoCloseable {

  private final ManagedChannel channel;
  private final Duration timeout;

  /** Calls over {@code channel}, which it closes, each with {@code timeout} as its deadline. */
  ControllerClient(ManagedChannel channel, Duration timeout) {
    this.channel = channel;
    this.timeout = timeout;
  }

  public DiskServiceGrpc.DiskServiceBlockingStub disks() {
    return withDeadline(DiskServiceGrpc.newBlockingStub(channel));
  }

  public VmServiceGrpc.VmServiceBlockingStub vms() {
    return withDeadline(VmServiceGrpc.newBlockingStub(channel));
  }

  public ImageServiceGrpc.ImageServiceBlockingStub images() {
    return withDeadline(ImageServiceGrpc.newBlockingStub(channel));
  }

  public AuditServiceGrpc.AuditServiceBlockingStub audit() {
    return withDeadline(AuditServiceGrpc.newBlockingStub(channel));
  }

  public ControllerServiceGrpc.ControllerServiceBlockingStub controller() {
    return withDeadline(ControllerServiceGrpc.newBlockingStub(channel));
  }

  public ScrubServiceGrpc.ScrubServiceBlockingStub scrubs() {
    return withDeadline(ScrubServiceGrpc.newBlockingStub(channel));
  }

  public AlertServiceGrpc.AlertServiceBlockingStub alerts() {
    return withDeadline(AlertServiceGrpc.newBlockingStub(channel));
  }

  public ProvisionServiceGrpc.ProvisionServiceBlockingStub provisions() {
    return withDeadline(ProvisionServiceGrpc.newBlockingStub(channel));
  }

  public DrillServiceGrpc.DrillServiceBlockingStub drills() {
    return withDeadline(DrillServiceGrpc.newBlockingStub(channel));
  }

  /** The agent of VM {@code vm}, reached through the controller. */
  public GuestAgentGrpc.GuestAgentBlockingStub agent(String vm) {
    return agent(vm, GuestAgentGrpc::newBlockingStub);
  }

  /** A service of the agent of VM {@code vm}, e.g. {@code agent(vm, RaidGrpc::newBlockingStub)}. */
  public <S extends AbstractBlockingStub<S>> S agent(String vm, Function<Channel, S> newStub) {
    return withDeadline(newStub.apply(AgentRouting.toVm(channel, vm)));
  }

  private <S extends AbstractBlockingStub<S>> S withDeadline(S stub) {
    return stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
