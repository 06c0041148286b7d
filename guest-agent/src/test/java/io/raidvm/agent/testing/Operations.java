package io.raidvm.agent.testing;

import io.raidvm.agent.ops.OperationHandle;
import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.api.agent.v1.Operation;
import java.time.Duration;

/** Waits for an operation of a registry to end. */
public final class Operations {

  private Operations() {}

  /** The operation once it has ended; fails the test after five seconds. */
  public static Operation awaitEnd(OperationRegistry registry, Operation started)
      throws InterruptedException {
    OperationHandle handle = registry.get(started.getId());
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    long seen = handle.version();
    while (handle.running()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("operation still running: " + handle.snapshot());
      }
      seen = handle.awaitChange(seen, Duration.ofMillis(100));
    }
    return handle.snapshot();
  }
}
