package io.raidvm.common.grpc;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server on Netty's epoll transport that also serves the standard health service and
 * server reflection, so any generic gRPC client can discover and call it. What raidvm's Unix
 * socket and TCP servers have in common; they add where it listens and how.
 */
final class EpollGrpcServer {

  private final Server server;
  private final EventLoopGroup boss = QuietEventLoops.of(new EpollEventLoopGroup(1));
  private final EventLoopGroup workers = QuietEventLoops.of(new EpollEventLoopGroup(2));
  private final HealthStatusManager health = new HealthStatusManager();

  /** {@code builder} says where to listen (and TLS, if any); this adds the rest. */
  EpollGrpcServer(NettyServerBuilder builder, Class<? extends ServerChannel> channelType,
      List<ServerServiceDefinition> services, Duration permitKeepAliveTime) {
    builder.channelType(channelType)
        .maxInboundMessageSize(MessageLimits.DEFAULT.messageBytes())
        .maxInboundMetadataSize(MessageLimits.DEFAULT.metadataBytes())
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .permitKeepAliveTime(permitKeepAliveTime.toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(true)
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(ProtoReflectionService.newInstance());
    services.forEach(builder::addService);
    this.server = builder.build();
  }

  /** Binds and takes calls; every service, and the server as a whole, reports SERVING. */
  void start() throws IOException {
    server.start();
    for (var service : server.getServices()) {
      health.setStatus(service.getServiceDescriptor().getName(), ServingStatus.SERVING);
    }
    health.setStatus("", ServingStatus.SERVING);
  }

  /** Stops taking calls, gives running calls {@code grace} to finish, then cancels them. */
  void stop(Duration grace) throws InterruptedException {
    health.enterTerminalState();
    server.shutdown();
    if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** The TCP port it is bound to (after {@link #start}). */
  int port() {
    return server.getPort();
  }
}
