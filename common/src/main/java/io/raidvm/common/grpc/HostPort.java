package io.raidvm.common.grpc;

import io.raidvm.common.error.RaidvmException;
import java.net.InetSocketAddress;

/** A TCP address as people write it: {@code HOST:PORT}, or {@code [IPv6]:PORT}. */
public record HostPort(String host, int port) {

  /**
   * Parses {@code HOST:PORT}; port 0 means "any free port" to a server.
   *
   * @throws RaidvmException INVALID_ARGUMENT, saying what is wrong with {@code text}
   */
  public static HostPort parse(String text) {
    int colon = text.lastIndexOf(':');
    String host = colon < 0 ? "" : text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty()) {
      throw RaidvmException.invalidArgument("'%s' is not HOST:PORT", text);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw RaidvmException.invalidArgument("'%s' is not HOST:PORT: the port must be a number"
          + " from 0 to 65535", text);
    }
    return new HostPort(host, port);
  }

  InetSocketAddress socketAddress() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
