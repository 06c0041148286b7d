package io.raidvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.GetOperationRequest;
import io.raidvm.api.agent.v1.ListOperationsRequest;
import io.raidvm.api.agent.v1.ListOperationsResponse;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.OperationsGrpc;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operation the agent died during, as raidctl shows it. */
class InterruptedOperationTest {

  private static final String MESSAGE = "the agent stopped while update-initramfs of initramfs"
      + " was running (step: update-initramfs: Generating /boot/initrd.img-6.1.0-18-amd64);"
      + " update-initramfs was killed; run `raidctl op initramfs VM` again";
  private static final Operation INTERRUPTED = Operation.newBuilder().setId("op-3-abc")
      .setKind("update-initramfs").setTarget("initramfs")
      .setState(Operation.State.INTERRUPTED).setErrorCode("ABORTED").setErrorMessage(MESSAGE)
      .build();

  @TempDir
  Path dir;
  private StandIn controller;
  private Raidctl raidctl;

  @BeforeEach
  void start() throws Exception {
    controller = new StandIn(dir.resolve("c.sock"), new OperationsGrpc.OperationsImplBase() {
      @Override
      public void getOperation(GetOperationRequest req, StreamObserver<Operation> obs) {
        obs.onNext(INTERRUPTED);
        obs.onCompleted();
      }

      @Override
      public void listOperations(ListOperationsRequest req,
          StreamObserver<ListOperationsResponse> obs) {
        obs.onNext(ListOperationsResponse.newBuilder().addOperations(INTERRUPTED).build());
        obs.onCompleted();
      }

      @Override
      public void waitOperation(GetOperationRequest req, StreamObserver<Operation> obs) {
        obs.onNext(INTERRUPTED);
        obs.onCompleted();
      }
    });
    raidctl = new Raidctl(dir.resolve("c.sock"));
  }

  @AfterEach
  void stop() throws Exception {
    controller.close();
  }

  @Test
  void opList_andOpShow_sayInterrupted_andWhatToRunNext() {
    assertEquals(0, raidctl.run("op", "list", "vm1"));
    assertEquals(0, raidctl.run("op", "show", "vm1", "op-3-abc"));

    String out = raidctl.out.toString();
    assertEquals(2, out.lines().filter(l -> l.startsWith("op-3-abc")
        && l.contains(" interrupted ") && l.endsWith("run `raidctl op initramfs VM` again"))
        .count(), out);
  }

  @Test
  void opWait_onAnInterruptedOperation_printsItAndFailsWithAborted() {
    assertEquals(4, raidctl.run("op", "wait", "vm1", "op-3-abc"));

    assertEquals("[update-initramfs initramfs] interrupted: " + MESSAGE + "\n",
        raidctl.out.toString());
    assertTrue(raidctl.err.toString().contains("ABORTED: update-initramfs initramfs was"
        + " interrupted: " + MESSAGE), raidctl.err.toString());
  }
}
