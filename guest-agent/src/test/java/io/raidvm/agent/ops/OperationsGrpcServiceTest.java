package io.raidvm.agent.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.api.agent.v1.GetOperationRequest;
import io.raidvm.api.agent.v1.ListOperationsRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.OperationsGrpc;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.common.grpc.InProcessGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperationsGrpcServiceTest {

  private final OperationRegistry registry = new OperationRegistry();
  private InProcessGrpc grpc;
  private OperationsGrpc.OperationsBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    grpc = InProcessGrpc.serve(new OperationsGrpcService(registry));
    stub = OperationsGrpc.newBlockingStub(grpc.channel());
  }

  @AfterEach
  void stop() {
    grpc.close();
  }

  @Test
  void waitOperation_streamsProgress_andEndsWithTheFinalState() {
    OperationHandle h = registry.start("check", "md127");
    BlockingQueue<Double> seenPercents = new LinkedBlockingQueue<>();
    registry.runInBackground(h, handle -> {
      assertEquals(0.0, seenPercents.poll(5, TimeUnit.SECONDS));
      for (double p = 25; p <= 75; p += 25) {
        handle.progress(Progress.newBuilder().setPercent(p).build());
        // the next step only once the client has seen this one
        assertEquals(p, seenPercents.poll(5, TimeUnit.SECONDS));
      }
    });
    List<Operation> seen = new ArrayList<>();
    stub.waitOperation(GetOperationRequest.newBuilder().setId(h.id()).build())
        .forEachRemaining(op -> {
          seen.add(op);
          seenPercents.add(op.getProgress().getPercent());
        });

    assertEquals(List.of(Operation.State.RUNNING, Operation.State.RUNNING,
        Operation.State.RUNNING, Operation.State.RUNNING, Operation.State.SUCCEEDED),
        seen.stream().map(Operation::getState).toList());
    assertEquals(List.of(0.0, 25.0, 50.0, 75.0, 100.0),
        seen.stream().map(op -> op.getProgress().getPercent()).toList());
  }

  @Test
  void getOperation_ofAnUnknownId_isNotFound() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub.getOperation(GetOperationRequest.newBuilder().setId("op-9").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  @Test
  void anOperationThePreviousAgentLeftRunning_isReturnedAtOnce_asInterrupted(
      @TempDir Path dir) {
    String id = new OperationRegistry(dir).start("update-initramfs", "initramfs",
        "run `raidctl op initramfs VM` again").id();
    try (InProcessGrpc next = InProcessGrpc.serve(
        new OperationsGrpcService(new OperationRegistry(dir)))) {
      OperationsGrpc.OperationsBlockingStub nextStub = OperationsGrpc.newBlockingStub(
          next.channel());
      GetOperationRequest request = GetOperationRequest.newBuilder().setId(id).build();

      List<Operation> streamed = new ArrayList<>();
      nextStub.waitOperation(request).forEachRemaining(streamed::add);

      assertEquals(List.of(Operation.State.INTERRUPTED),
          streamed.stream().map(Operation::getState).toList());
      assertEquals(streamed.get(0), nextStub.getOperation(request));
      assertEquals(List.of(streamed.get(0)), nextStub.listOperations(
          ListOperationsRequest.getDefaultInstance()).getOperationsList());
    }
  }

  @Test
  void listOperations_showsFinishedOnesToo() {
    registry.start("mkfs", "md127").succeed(b -> { });
    registry.start("fsck", "md127");
    assertEquals(2, stub.listOperations(ListOperationsRequest.getDefaultInstance())
        .getOperationsCount());
  }
}
