package io.raidvm.controller.provision;

import io.grpc.Channel;
import io.grpc.stub.AbstractBlockingStub;
import io.raidvm.api.agent.v1.BootGrpc;
import io.raidvm.api.agent.v1.DisksGrpc;
import io.raidvm.api.agent.v1.FilesystemsGrpc;
import io.raidvm.api.agent.v1.GetOperationRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.OperationsGrpc;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.common.error.RaidvmException;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Typed calls to one VM's agent, each with a deadline, on the VM's current agent channel
 * (provision's steps and scheduled scrubs).
 */
public final class Guest {

  static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);
  static final Duration OPERATION_TIMEOUT = Duration.ofHours(2);

  private final String vm;
  private final Supplier<Channel> channel;

  public Guest(String vm, Supplier<Channel> channel) {
    this.vm = vm;
    this.channel = channel;
  }

  String vm() {
    return vm;
  }

  GuestAgentGrpc.GuestAgentBlockingStub agent() {
    return stub(GuestAgentGrpc::newBlockingStub, CALL_TIMEOUT);
  }

  DisksGrpc.DisksBlockingStub disks() {
    return stub(DisksGrpc::newBlockingStub, CALL_TIMEOUT);
  }

  public RaidGrpc.RaidBlockingStub raid() {
    return stub(RaidGrpc::newBlockingStub, CALL_TIMEOUT);
  }

  FilesystemsGrpc.FilesystemsBlockingStub filesystems() {
    return stub(FilesystemsGrpc::newBlockingStub, CALL_TIMEOUT);
  }

  BootGrpc.BootBlockingStub boot() {
    return stub(BootGrpc::newBlockingStub, CALL_TIMEOUT);
  }

  /**
   * Follows a long operation to its end, passing each update to {@code progress}; returns it
   * when it succeeded and throws its error (with its gRPC code) when it failed.
   */
  Operation await(Operation started, Consumer<Operation> progress) {
    Operation last = follow(started, progress);
    if (last.getState() != Operation.State.SUCCEEDED) {
      throw new RaidvmException(kindOf(last.getErrorCode()), String.format(
          "%s of %s in VM %s failed: %s", last.getKind(), last.getTarget(), vm,
          last.getErrorMessage()));
    }
    return last;
  }

  /** Follows a long operation to its end; returns it as it ended, whatever its state. */
  public Operation follow(Operation started) {
    return follow(started, op -> { });
  }

  private Operation follow(Operation started, Consumer<Operation> progress) {
    Operation last = started;
    if (started.getState() == Operation.State.RUNNING) {
      Iterator<Operation> updates = operations(OPERATION_TIMEOUT)
          .waitOperation(GetOperationRequest.newBuilder().setId(started.getId()).build());
      while (updates.hasNext()) {
        last = updates.next();
        progress.accept(last);
      }
    }
    return last;
  }

  public OperationsGrpc.OperationsBlockingStub operations() {
    return operations(CALL_TIMEOUT);
  }

  private OperationsGrpc.OperationsBlockingStub operations(Duration timeout) {
    return stub(OperationsGrpc::newBlockingStub, timeout);
  }

  private static RaidvmException.Kind kindOf(String code) {
    try {
      return RaidvmException.Kind.valueOf(code);
    } catch (IllegalArgumentException e) {
      return RaidvmException.Kind.INTERNAL;
    }
  }

  private <S extends AbstractBlockingStub<S>> S stub(Function<Channel, S> newStub,
      Duration timeout) {
    return newStub.apply(channel.get()).withDeadlineAfter(timeout.toMillis(),
        TimeUnit.MILLISECONDS);
  }
}
