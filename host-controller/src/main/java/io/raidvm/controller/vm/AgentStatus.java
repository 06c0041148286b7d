package io.raidvm.controller.vm;

import java.time.Instant;

/**
 * Whether a VM's agent answers. {@code connectedSince} is null while it does not;
 * {@code everConnected} says whether it answered at some time since the link was opened.
 */
public record AgentStatus(boolean connected, Instant connectedSince, String lastError,
    boolean everConnected) {

  public static final AgentStatus NONE = new AgentStatus(false, null, "", false);
}
