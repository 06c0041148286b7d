package io.raidvm.common.grpc;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server on a Unix socket (mode 0600) that also serves the standard health service and
 * server reflection, so any generic gRPC client can discover and call it.
 */
public final class UnixSocketServer {

  static {
    NettyLogging.quietUnixSocketOptionWarnings();
  }

  private final Path socket;
  private final Server server;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final HealthStatusManager health = new HealthStatusManager();

  public UnixSocketServer(Path socket, List<ServerServiceDefinition> services,
      Duration permitKeepAliveTime) {
    this.socket = socket;
    this.boss = new EpollEventLoopGroup(1);
    this.workers = new EpollEventLoopGroup(2);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(
            socket.toString()))
        .channelType(EpollServerDomainSocketChannel.class)
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

  public UnixSocketServer start() throws IOException {
    Files.createDirectories(socket.getParent());
    Files.deleteIfExists(socket);
    server.start();
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    for (var service : server.getServices()) {
      health.setStatus(service.getServiceDescriptor().getName(),
          io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    }
    health.setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    return this;
  }

  /** Stops taking calls, gives running calls {@code grace} to finish, then cancels them. */
  public void stop(Duration grace) throws InterruptedException {
    health.enterTerminalState();
    server.shutdown();
    if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // Left for the next start to remove.
    }
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  public Path socket() {
    return socket;
  }
}
