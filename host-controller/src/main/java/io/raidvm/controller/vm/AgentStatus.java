package io.raidvm.controller.vm;

import java.time.Instant;

/**
 * Whether a VM's agent answers. {@code connectedSince} is null while it does not;
 * {@code everConnected} says whether it answered at some time since the link was opened;
 * {@code sessions} counts the handshakes on the agent port since then (a new one: the connection
 * started over, which a probe every 30 s would not notice).
 */
public record AgentStatus(boolean connected, Instant connectedSince, String lastError,
    boolean everConnected, long sessions) {

  public static final AgentStatus NONE = new AgentStatus(false, null, "", false, 0);
}
