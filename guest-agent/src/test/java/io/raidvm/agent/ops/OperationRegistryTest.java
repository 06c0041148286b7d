package io.raidvm.agent.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.Filesystem;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.common.error.RaidvmException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class OperationRegistryTest {

  private final OperationRegistry registry = new OperationRegistry();

  @Test
  void start_registersARunningOperation_thatCanBeLookedUpAgain() {
    OperationHandle h = registry.start("mkfs", "/dev/md127");
    Operation op = registry.get(h.id()).snapshot();
    assertEquals(Operation.State.RUNNING, op.getState());
    assertEquals("mkfs", op.getKind());
    assertEquals("/dev/md127", op.getTarget());
    assertTrue(op.getStartedAt().getSeconds() > 0);
  }

  @Test
  void backgroundWork_thatReturns_succeedsWithItsResult() throws Exception {
    OperationHandle h = registry.start("mkfs", "/dev/md127");
    registry.runInBackground(h, handle -> handle.succeed(b -> b.setFilesystem(
        Filesystem.newBuilder().setUuid("u-1"))));
    Operation done = awaitEnd(h);
    assertEquals(Operation.State.SUCCEEDED, done.getState());
    assertEquals("u-1", done.getFilesystem().getUuid());
    assertTrue(done.hasFinishedAt());
  }

  @Test
  void backgroundWork_thatThrows_failsWithTheCodeAndMessage() throws Exception {
    OperationHandle h = registry.start("fsck", "/dev/md127");
    registry.runInBackground(h, handle -> {
      throw RaidvmException.failedPrecondition("e2fsck found errors it could not correct");
    });
    Operation done = awaitEnd(h);
    assertEquals(Operation.State.FAILED, done.getState());
    assertEquals("FAILED_PRECONDITION", done.getErrorCode());
    assertEquals("e2fsck found errors it could not correct", done.getErrorMessage());
  }

  @Test
  void progress_wakesAWaiter_andCompletesTo100PercentOnSuccess() throws Exception {
    OperationHandle h = registry.start("create-array", "md127");
    long seen = h.version();
    CountDownLatch go = new CountDownLatch(1);
    registry.runInBackground(h, handle -> {
      handle.progress(Progress.newBuilder().setPhase("resync").setPercent(40).setDone(40)
          .setTotal(100).setUnit("sectors").build());
      go.await();
    });
    long now = h.awaitChange(seen, Duration.ofSeconds(5));
    assertTrue(now > seen);
    assertEquals(40, h.snapshot().getProgress().getPercent());
    go.countDown();
    Operation done = awaitEnd(h);
    assertEquals(100, done.getProgress().getPercent());
    assertEquals(100, done.getProgress().getDone());
  }

  @Test
  void anEndedOperation_ignoresLateReports() {
    OperationHandle h = registry.start("check", "md127");
    h.fail(RaidvmException.unavailable("array stopped"));
    h.progress(Progress.newBuilder().setPercent(99).build());
    h.succeed(b -> { });
    assertEquals(Operation.State.FAILED, h.snapshot().getState());
    assertEquals(0, h.snapshot().getProgress().getPercent());
  }

  @Test
  void unknownOrMissingId_isNotFoundOrInvalid() {
    RaidvmException e = assertThrows(RaidvmException.class, () -> registry.get("op-nope"));
    assertEquals(RaidvmException.Kind.NOT_FOUND, e.kind());
    e = assertThrows(RaidvmException.class, () -> registry.get(""));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
  }

  @Test
  void theRegistryIsBounded_forgettingTheOldestFinishedFirst() {
    OperationHandle first = registry.start("check", "md0");
    first.succeed(b -> { });
    OperationHandle running = registry.start("check", "md1");
    for (int i = 0; i < OperationRegistry.MAX_KEPT; i++) {
      registry.start("mkfs", "d" + i).succeed(b -> { });
    }
    assertTrue(registry.find(first.id()).isEmpty(), "oldest finished is forgotten");
    assertTrue(registry.find(running.id()).isPresent(), "a running operation is kept");
    assertEquals(OperationRegistry.MAX_KEPT, registry.list().size());
  }

  private static Operation awaitEnd(OperationHandle h) throws InterruptedException {
    long seen = h.version();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (h.running() && System.nanoTime() < deadline) {
      seen = h.awaitChange(seen, Duration.ofMillis(200));
    }
    return h.snapshot();
  }
}
