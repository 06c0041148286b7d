package io.raidvm.common.grpc;

import io.grpc.ServerServiceDefinition;
import io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A gRPC server on a Unix socket (mode 0600), with health and reflection. Every call carries
 * its caller's credentials ({@link UnixPeer#of}). It takes over a socket
 * file only when nobody answers on it: a live server's socket is never deleted, also when two
 * processes start at once (they take turns through the file {@code <socket>.lock}).
 */
public final class UnixSocketServer {

  static {
    NettyLogging.quietUnixSocketOptionWarnings();
  }

  private final Path socket;
  private final EpollGrpcServer server;
  private volatile boolean bound;

  public UnixSocketServer(Path socket, List<ServerServiceDefinition> services,
      Duration permitKeepAliveTime) {
    this.socket = socket;
    this.server = new EpollGrpcServer(
        NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()),
            InternalNettyServerCredentials.create(new PeerCredentialsNegotiator())),
        EpollServerDomainSocketChannel.class, services, permitKeepAliveTime);
  }

  /**
   * Binds the socket, replacing a stale socket file (one nobody answers on).
   *
   * @throws RaidvmException ALREADY_EXISTS when another process answers on the socket
   */
  public UnixSocketServer start() throws IOException {
    Files.createDirectories(socket.getParent());
    Path lockFile = socket.resolveSibling(socket.getFileName() + ".lock");
    try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        FileLock lock = lockChannel.lock()) {
      if (Files.exists(socket)) {
        if (UnixSocketChannels.answers(socket)) {
          throw RaidvmException.alreadyExists("another server answers on %s", socket);
        }
        Files.delete(socket);
      }
      server.start();
      bound = true;
    }
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    return this;
  }

  /**
   * Stops taking calls, gives running calls {@code grace} to finish, then cancels them; removes
   * the socket file if this server had bound it.
   */
  public void stop(Duration grace) throws InterruptedException {
    server.stop(grace);
    if (!bound) {
      return;
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // Left for the next start to replace.
    }
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  public Path socket() {
    return socket;
  }
}
