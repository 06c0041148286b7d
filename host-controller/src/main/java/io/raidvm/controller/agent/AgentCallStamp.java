package io.raidvm.controller.agent;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.raidvm.common.access.Role;
import io.raidvm.common.access.RpcRoles;
import io.raidvm.common.grpc.AgentRouting;
import io.raidvm.controller.access.Caller;
import io.raidvm.controller.access.RoleGate;

/**
 * On every call the controller makes to an agent — forwarded for a client or its own (provision's
 * steps, power-off) — tells the agent who the caller is, for the agent's audit trail: the caller
 * the {@link RoleGate} let through, or "controller" for a call no client asked for. A
 * {@code raidvm-caller} a client sent is replaced, never passed on. When a call that may change
 * something ends, {@code afterChange} runs (before the answer goes on; it must not block), so
 * that the agent's line reaches the controller's audit trail soon.
 */
final class AgentCallStamp implements ClientInterceptor {

  static final String CONTROLLER = "controller";

  private final Runnable afterChange;

  AgentCallStamp(Runnable afterChange) {
    this.afterChange = afterChange;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
      CallOptions options, Channel next) {
    String caller = RoleGate.caller().map(Caller::name).orElse(CONTROLLER);
    boolean changes = RpcRoles.needed(method.getFullMethodName())
        .filter(role -> role != Role.VIEWER).isPresent();
    return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        headers.discardAll(AgentRouting.CALLER_HEADER);
        headers.put(AgentRouting.CALLER_HEADER, AgentRouting.headerText(caller));
        super.start(!changes ? listener : new SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            afterChange.run(); // The agent wrote its line before it answered.
            super.onClose(status, trailers);
          }
        }, headers);
      }
    };
  }
}
