package io.raidvm.common.grpc;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Services on gRPC's in-process transport and a channel to them, for tests: start one in
 * {@code @BeforeEach}, make stubs on {@link #channel()}, {@link #close()} it in
 * {@code @AfterEach}. Other modules' tests get it from raidvm-common's test-jar.
 */
public final class InProcessGrpc implements AutoCloseable {

  private final Server server;
  private final ManagedChannel channel;

  private InProcessGrpc(Server server, ManagedChannel channel) {
    this.server = server;
    this.channel = channel;
  }

  /** Serves {@code services} on gRPC's own threads, as a real server does. */
  public static InProcessGrpc serve(BindableService... services) {
    return start(false, services);
  }

  /** Serves {@code services} on the calling thread: each call has run when its stub returns. */
  public static InProcessGrpc serveDirect(BindableService... services) {
    return start(true, services);
  }

  /** Serves {@code services} behind {@code interceptor}, on gRPC's own threads. */
  public static InProcessGrpc serveIntercepted(ServerInterceptor interceptor,
      BindableService... services) {
    return start(false, Arrays.stream(services)
        .map(s -> ServerInterceptors.intercept(s, interceptor))
        .toArray(ServerServiceDefinition[]::new));
  }

  private static InProcessGrpc start(boolean direct, BindableService... services) {
    return start(direct, Arrays.stream(services).map(BindableService::bindService)
        .toArray(ServerServiceDefinition[]::new));
  }

  private static InProcessGrpc start(boolean direct, ServerServiceDefinition... services) {
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder server = InProcessServerBuilder.forName(name);
    InProcessChannelBuilder channel = InProcessChannelBuilder.forName(name);
    if (direct) {
      server.directExecutor();
      channel.directExecutor();
    }
    for (ServerServiceDefinition service : services) {
      server.addService(service);
    }
    try {
      return new InProcessGrpc(server.build().start(), channel.build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** Ends every call, then waits up to five seconds each for the channel and server to stop. */
  @Override
  public void close() {
    try {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
