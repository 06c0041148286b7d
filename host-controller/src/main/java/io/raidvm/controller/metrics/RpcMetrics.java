package io.raidvm.controller.metrics;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.raidvm.common.audit.AuditedCalls;
import java.time.Clock;

/**
 * Every call's duration by full method name and status code, as the histogram
 * {@code raidvm_rpc_duration_seconds{method, code}} (its {@code _count} is the number of calls).
 * It is the outermost interceptor of the controller's one chain, so it also sees the calls that
 * the role gate refuses, and the forwarded agent calls; it takes the call's end the way the audit
 * trail does ({@link AuditedCalls}: closed, or cancelled by the client).
 */
public final class RpcMetrics implements ServerInterceptor {

  /**
   * Seconds. Reads answer in milliseconds; syncs, image builds and provisions take minutes, and
   * watches stay open for as long as their client does: the last bound is half an hour.
   */
  static final double[] BOUNDS = {0.005, 0.025, 0.1, 0.5, 2.5, 10, 60, 300, 1800};

  private final Histogram durations;

  /** Registers the histogram in {@code registry}. */
  public RpcMetrics(PrometheusRegistry registry) {
    this.durations = Histogram.builder()
        .name("raidvm_rpc_duration_seconds")
        .help("Duration of the controller's RPCs (its own and forwarded agent calls) by full"
            + " method name and gRPC status code; _count is the number of calls")
        .labelNames("method", "code")
        .classicOnly()
        .classicUpperBounds(BOUNDS)
        .build();
    registry.register(durations);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    return AuditedCalls.watch(call, headers, next, Context.current(), Clock.systemUTC(),
        ended -> durations.labelValues(ended.method(), ended.status().getCode().name())
            .observe(ended.durationMs() / 1000.0));
  }
}
