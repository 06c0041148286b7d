package io.raidvm.cli;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.raidvm.common.grpc.UnixSocketServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A controller stand-in on a real Unix socket that serves the given services (a method they do
 * not override answers UNIMPLEMENTED) and records the name of each method called.
 */
public final class StandIn implements AutoCloseable {

  /** The methods called, in order, e.g. "SetSyncAction". */
  public final List<String> calls = new CopyOnWriteArrayList<>();
  private final UnixSocketServer server;

  public StandIn(Path socket, BindableService... services) throws Exception {
    ServerInterceptor recorder = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        calls.add(call.getMethodDescriptor().getBareMethodName());
        return next.startCall(call, headers);
      }
    };
    server = new UnixSocketServer(socket, Stream.of(services)
        .map(s -> ServerInterceptors.intercept(s, recorder)).toList(), Duration.ofSeconds(10))
        .start();
  }

  @Override
  public void close() throws InterruptedException {
    server.stop(Duration.ofSeconds(1));
  }
}
