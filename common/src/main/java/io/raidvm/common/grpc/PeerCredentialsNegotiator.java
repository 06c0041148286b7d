package io.raidvm.common.grpc;

import io.grpc.Attributes;
import io.grpc.ChannelLogger;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.ProtocolNegotiationEvent;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Plaintext gRPC on a Unix socket that adds the peer's credentials ({@link UnixPeer}) to every
 * connection's transport attributes, where a {@code ServerCall} finds them. gRPC offers no
 * public seam from a call to its Netty channel: neither the remote address (a client's socket
 * has no path) nor a {@code ServerTransportFilter} (it sees the attributes, not the channel)
 * carry a uid. So this is gRPC's own server plaintext negotiator (wait until active, then hand
 * over to gRPC) with one step between, built from grpc-netty's {@code Internal*} classes, which
 * other grpc-java modules (xds, alts) use the same way; grpc-netty's version is pinned.
 */
final class PeerCredentialsNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {

  private static final Logger LOG = Logger.getLogger(PeerCredentialsNegotiator.class.getName());

  @Override
  public AsciiString scheme() {
    return AsciiString.of("http");
  }

  @Override
  public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
    ChannelHandler grpc = InternalProtocolNegotiators.grpcNegotiationHandler(grpcHandler);
    ChannelLogger logger = grpcHandler.getNegotiationLogger();
    return InternalProtocolNegotiators.waitUntilActiveHandler(new AddPeer(grpc, logger), logger);
  }

  @Override
  public void close() {}

  /** Reads SO_PEERCRED once the connection is active and adds it to the attributes. */
  private static final class AddPeer extends InternalProtocolNegotiators.ProtocolNegotiationHandler {

    AddPeer(ChannelHandler next, ChannelLogger logger) {
      super(next, "peer-credentials", logger);
    }

    @Override
    protected void protocolNegotiationEventTriggered(ChannelHandlerContext ctx) {
      ProtocolNegotiationEvent event = getProtocolNegotiationEvent();
      if (ctx.channel() instanceof EpollDomainSocketChannel channel) {
        try {
          PeerCredentials peer = channel.peerCredentials();
          int gid = peer.gids().length > 0 ? peer.gids()[0] : -1;
          Attributes attributes = InternalProtocolNegotiationEvent.getAttributes(event)
              .toBuilder().set(UnixPeer.KEY, new UnixPeer(peer.pid(), peer.uid(), gid)).build();
          replaceProtocolNegotiationEvent(
              InternalProtocolNegotiationEvent.withAttributes(event, attributes));
        } catch (IOException e) {
          LOG.log(Level.WARNING, "cannot read the peer credentials of a connection", e);
        }
      }
      fireProtocolNegotiationEvent(ctx);
    }
  }
}
