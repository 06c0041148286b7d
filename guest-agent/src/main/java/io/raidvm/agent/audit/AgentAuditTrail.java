package io.raidvm.agent.audit;

import com.google.protobuf.util.Timestamps;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.raidvm.api.agent.v1.AgentAuditEntry;
import io.raidvm.common.access.RpcRoles;
import io.raidvm.common.audit.AuditedCalls;
import io.raidvm.common.grpc.AgentRouting;
import io.raidvm.common.grpc.UnixPeer;
import java.time.Clock;
import java.util.Optional;

/**
 * Writes one {@link AgentAuditEntry} for every agent call that may change something — the
 * controller's rule, {@link RpcRoles#changes} — when it ends, before its result leaves
 * ({@link AuditedCalls}, as the controller's trail does). Outermost in the agent's chain, so
 * that the guest policy's refusals are recorded too.
 *
 * <p>The caller: a host session reaches the agent's socket through the agent's own bridge (this
 * process), and the controller names its caller in {@code raidvm-caller}; the agent records that
 * as reported. Any other process in the guest is recorded as {@code local uid=… pid=…}, whatever
 * header it sends.
 */
public final class AgentAuditTrail implements ServerInterceptor {

  static final String NOT_REPORTED = "host (not reported)";

  private final AgentAuditLog log;
  private final Clock clock;
  private final long ownPid;

  public AgentAuditTrail(AgentAuditLog log, Clock clock) {
    this(log, clock, ProcessHandle.current().pid());
  }

  AgentAuditTrail(AgentAuditLog log, Clock clock, long ownPid) {
    this.log = log;
    this.clock = clock;
    this.ownPid = ownPid;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!RpcRoles.changes(call.getMethodDescriptor().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    String caller = callerOf(UnixPeer.of(call), headers.get(AgentRouting.CALLER_HEADER));
    return AuditedCalls.watch(call, headers, next, Context.current(), clock,
        ended -> log.append(AgentAuditEntry.newBuilder()
            .setTime(Timestamps.fromMillis(ended.start().toEpochMilli()))
            .setCaller(caller)
            .setRpc(ended.method())
            .setRequest(ended.requestJson())
            .setCode(ended.status().getCode().name())
            .setMessage(ended.message())
            .setDurationMs(ended.durationMs())
            .setRequestId(ended.requestId())
            .build()));
  }

  /** No peer: a call in process (tests), as through the bridge. */
  String callerOf(Optional<UnixPeer> peer, String reported) {
    if (peer.isPresent() && peer.get().pid() != ownPid) {
      return "local uid=" + peer.get().uid() + " pid=" + peer.get().pid();
    }
    return reported == null || reported.isEmpty() ? NOT_REPORTED
        : AuditedCalls.cut(AgentRouting.fromHeaderText(reported));
  }
}
