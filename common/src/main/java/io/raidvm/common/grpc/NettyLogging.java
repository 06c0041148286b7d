package io.raidvm.common.grpc;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * gRPC asks every socket for SO_KEEPALIVE, which Unix sockets do not have, and Netty warns about
 * it on each connection. HTTP/2 keepalive does that job here, so the warning is only noise.
 */
final class NettyLogging {

  /** Held so that the level set on it is not lost when the logger is collected. */
  private static final Logger BOOTSTRAP = Logger.getLogger("io.netty.bootstrap");

  private NettyLogging() {}

  static void quietUnixSocketOptionWarnings() {
    BOOTSTRAP.setLevel(Level.SEVERE);
  }
}
