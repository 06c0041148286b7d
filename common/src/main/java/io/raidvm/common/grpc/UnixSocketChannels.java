package io.raidvm.common.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** gRPC client channels over Unix sockets (epoll). */
public final class UnixSocketChannels {

  /** How long a keepalive ping may go unanswered before the connection is closed. */
  static final Duration PING_TIMEOUT = Duration.ofSeconds(20);

  /** The event loops of every channel opened here; made with the first. */
  private static EpollEventLoopGroup group;

  static {
    NettyLogging.quietUnixSocketOptionWarnings();
  }

  private UnixSocketChannels() {}

  /**
   * A channel to {@code socket} with the {@link MessageLimits#CONTROLLER_ANSWERS} limits, with HTTP/2
   * keepalive when {@code keepAlive} is positive: a ping after each {@code keepAlive} without
   * reads, the connection closed when one goes unanswered for {@link #PING_TIMEOUT}.
   */
  public static ManagedChannel open(Path socket, Duration keepAlive) {
    return open(socket, keepAlive, MessageLimits.CONTROLLER_ANSWERS);
  }

  /** As {@link #open(Path, Duration)}, taking in at most {@code limits}. */
  public static ManagedChannel open(Path socket, Duration keepAlive, MessageLimits limits) {
    NettyChannelBuilder builder = NettyChannelBuilder
        .forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollDomainSocketChannel.class)
        .eventLoopGroup(group())
        .usePlaintext()
        .maxInboundMessageSize(limits.messageBytes())
        .maxInboundMetadataSize(limits.metadataBytes());
    if (!keepAlive.isZero()) {
      builder.keepAliveTime(keepAlive.toMillis(), TimeUnit.MILLISECONDS)
          .keepAliveTimeout(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .keepAliveWithoutCalls(true);
    }
    return builder.build();
  }

  /**
   * Ends the event loops of the channels opened here, which must be closed, waiting at most
   * {@code wait} for their threads; a channel opened after makes new ones. For a process about to
   * exit: the JVM's exit waits 300 ms for any thread in native code, and an idle event loop sits
   * in epoll_wait.
   */
  public static void stopEventLoops(Duration wait) {
    EpollEventLoopGroup stopping;
    synchronized (UnixSocketChannels.class) {
      stopping = group;
      group = null;
    }
    if (stopping != null) {
      stopping.shutdownGracefully(0, wait.toMillis(), TimeUnit.MILLISECONDS)
          .awaitUninterruptibly(wait.toMillis());
    }
  }

  private static synchronized EpollEventLoopGroup group() {
    if (group == null) {
      group = QuietEventLoops.of(new EpollEventLoopGroup(2, r -> {
        Thread t = new Thread(r, "grpc-unix-client");
        t.setDaemon(true);
        return t;
      }));
    }
    return group;
  }

  /**
   * Whether a process accepts connections on {@code socket}: false when the file is missing, or
   * is a stale socket file that its server left behind (connection refused).
   */
  public static boolean answers(Path socket) {
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
