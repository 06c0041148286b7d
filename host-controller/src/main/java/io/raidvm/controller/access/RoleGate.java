package io.raidvm.controller.access;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.raidvm.common.access.Role;
import io.raidvm.common.access.RpcRoles;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.Statuses;
import java.util.Optional;

/**
 * The one gate before dispatch: a call goes on only when its caller's role allows the method
 * ({@link RpcRoles}); otherwise it ends with PERMISSION_DENIED, naming the role needed and the
 * caller's, and never reaches the service. A call let through carries its caller in its
 * {@link Context} ({@link #caller()}), so that the agent proxy can tell the agent who it is.
 */
public final class RoleGate implements ServerInterceptor {

  private static final Context.Key<Caller> CALLER = Context.key("raidvm-caller");

  private final Callers callers;

  public RoleGate(Callers callers) {
    this.callers = callers;
  }

  /** The caller of the call this thread serves, once the gate let it through; else empty. */
  public static Optional<Caller> caller() {
    return Optional.ofNullable(CALLER.get());
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Caller caller = callers.of(call, headers);
    AuditTrail.noteCaller(caller);
    try {
      authorize(call.getMethodDescriptor().getFullMethodName(), caller);
    } catch (RaidvmException e) {
      call.close(Statuses.toStatus(e).getStatus(), new Metadata());
      return new ServerCall.Listener<>() { };
    }
    return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers,
        next);
  }

  /**
   * Refuses {@code caller} a call of {@code fullMethodName} that its role does not allow.
   *
   * @throws RaidvmException PERMISSION_DENIED: "FailMember needs role admin; you (CN=ops-bot)
   *     have operator"
   */
  static void authorize(String fullMethodName, Caller caller) {
    String method = fullMethodName.substring(fullMethodName.indexOf('/') + 1);
    Optional<Role> needed = RpcRoles.needed(fullMethodName);
    if (needed.isEmpty()) {
      throw RaidvmException.permissionDenied("%s is in no role of the controller's table;"
          + " refused to everybody", fullMethodName);
    }
    if (caller.role().isEmpty() || !caller.role().get().allows(needed.get())) {
      throw RaidvmException.permissionDenied("%s needs role %s; you (%s) have %s", method,
          needed.get().label(), caller.name(), caller.roleLabel());
    }
  }
}
