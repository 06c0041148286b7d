package io.raidvm.controller.access;

import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.raidvm.common.grpc.IdempotentCalls;
import io.raidvm.common.grpc.UnexpectedErrors;
import io.raidvm.controller.metrics.RpcMetrics;
import java.time.Clock;

/**
 * The controller's one interceptor chain, the same on the Unix socket and on TCP. Outermost
 * first: the RPC metrics (counting every call as its client sees it), the audit trail (outside
 * the gate, so that it records refusals too), the role gate,
 * retries by {@code raidvm-request-id} (answered once, replayed after), then the logging of
 * unexpected errors around the service.
 */
public final class ControllerChain {

  private final ServerInterceptor[] chain;

  public ControllerChain(Callers callers, AuditLog audit, Clock clock, RpcMetrics metrics) {
    // ServerInterceptors.intercept calls the last one first.
    this.chain = new ServerInterceptor[] {new UnexpectedErrors("controller"),
        new IdempotentCalls(), new RoleGate(callers), new AuditTrail(audit, clock), metrics};
  }

  public ServerServiceDefinition around(ServerServiceDefinition service) {
    return ServerInterceptors.intercept(service, chain);
  }
}
