package io.raidvm.common.grpc;

import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * A gRPC server on TCP, with health and reflection, that only speaks mutual TLS: a client without
 * a certificate from the trusted CA never gets to a call.
 */
public final class TlsTcpServer {

  private final HostPort address;
  private final EpollGrpcServer server;

  public TlsTcpServer(HostPort address, TlsFiles tls, List<ServerServiceDefinition> services,
      Duration permitKeepAliveTime) {
    this.address = address;
    this.server = new EpollGrpcServer(
        NettyServerBuilder.forAddress(address.socketAddress()).sslContext(tls.serverContext()),
        EpollServerSocketChannel.class, services, permitKeepAliveTime);
  }

  public TlsTcpServer start() throws IOException {
    server.start();
    return this;
  }

  /** Stops taking calls, gives running calls {@code grace} to finish, then cancels them. */
  public void stop(Duration grace) throws InterruptedException {
    server.stop(grace);
  }

  /** Where it listens, with the port it was given when asked for port 0. */
  public HostPort address() {
    return new HostPort(address.host(), server.port());
  }
}
