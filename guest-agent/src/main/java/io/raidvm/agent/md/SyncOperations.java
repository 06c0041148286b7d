package io.raidvm.agent.md;

import io.raidvm.agent.ops.OperationHandle;
import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Operation;
import java.nio.file.Path;

/** Operations on an array that end with the array as it then stands. */
final class SyncOperations {

  private final OperationRegistry operations;
  private final SyncFollower follower;
  private final ArrayInspector inspector;

  SyncOperations(OperationRegistry operations, SyncFollower follower, ArrayInspector inspector) {
    this.operations = operations;
    this.follower = follower;
    this.inspector = inspector;
  }

  /** An operation that follows the array's sync in the background and ends when it is over. */
  Operation follow(String kind, String array) {
    OperationHandle handle = operations.start(kind, target(array), String.format("the agent"
        + " only followed the md sync, which goes on in the kernel; `raidctl raid wait VM %s`"
        + " follows it to its end", array));
    return operations.runInBackground(handle, h -> {
      follower.follow(array, h);
      h.succeed(result -> result.setArray(inspector.get(array)));
    });
  }

  /** An operation that has already ended, with the array as its result. */
  Operation done(String kind, String array) {
    Array now = inspector.get(array);
    OperationHandle handle = operations.start(kind, target(array));
    handle.succeed(result -> result.setArray(now));
    return handle.snapshot();
  }

  private static String target(String array) {
    return Path.of("/dev", array).toString();
  }
}
