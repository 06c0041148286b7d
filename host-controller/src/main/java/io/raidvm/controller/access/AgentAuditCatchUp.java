package io.raidvm.controller.access;

/**
 * Brings the running agents' new audit lines into the controller's trail, so that a read of the
 * trail holds what an agent wrote until now: calls made inside the guest reach the controller
 * only by a copy, and the copy runs on demand rather than on a timer that would cost every idle
 * agent CPU.
 */
@FunctionalInterface
public interface AgentAuditCatchUp {

  /** Copies what {@code vm}'s agent (every running VM's agent for "") wrote and was not copied. */
  void catchUp(String vm);
}
