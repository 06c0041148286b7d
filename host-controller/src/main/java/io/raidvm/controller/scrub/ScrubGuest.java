package io.raidvm.controller.scrub;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Operation;

/**
 * What a scrub asks of a VM's agent. Each call throws {@link
 * io.raidvm.common.error.RaidvmException} (or a gRPC status) when the agent refuses or cannot be
 * reached.
 */
public interface ScrubGuest {

  /** The array as the agent sees it now. */
  Array array(String vm, String array);

  /** md's sync speed cap of the array, KiB/s; 0: the system's limit. */
  void capSpeed(String vm, String array, long kibPerS);

  /** Starts md's check; the operation that follows it. */
  Operation startCheck(String vm, String array);

  /** Follows an operation to its end and returns it as it ended (whatever its state). */
  Operation follow(String vm, String operationId);
}
