package io.raidvm.controller.access;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.Statuses;

/**
 * The one gate before dispatch: a call goes on only when its caller's role allows the method
 * ({@link RpcRoles}); otherwise it ends with PERMISSION_DENIED, naming the role needed and the
 * caller's, and never reaches the service.
 */
public final class RoleGate implements ServerInterceptor {

  private final Callers callers;

  public RoleGate(Callers callers) {
    this.callers = callers;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Caller caller = callers.of(call, headers);
    AuditTrail.noteCaller(caller);
    try {
      RpcRoles.authorize(call.getMethodDescriptor().getFullMethodName(), caller);
    } catch (RaidvmException e) {
      call.close(Statuses.toStatus(e).getStatus(), new Metadata());
      return new ServerCall.Listener<>() { };
    }
    return next.startCall(call, headers);
  }
}
