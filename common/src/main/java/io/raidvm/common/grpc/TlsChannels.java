package io.raidvm.common.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

/** gRPC client channels over TCP with mutual TLS. */
public final class TlsChannels {

  private TlsChannels() {}

  /** A channel to {@code address}, whose certificate must name that host. */
  public static ManagedChannel open(HostPort address, TlsFiles tls) {
    return NettyChannelBuilder.forAddress(address.host(), address.port())
        .sslContext(tls.clientContext())
        .maxInboundMessageSize(MessageLimits.CONTROLLER_ANSWERS.messageBytes())
        .maxInboundMetadataSize(MessageLimits.CONTROLLER_ANSWERS.metadataBytes())
        .build();
  }
}
