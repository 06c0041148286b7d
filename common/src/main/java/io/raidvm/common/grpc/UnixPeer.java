package io.raidvm.common.grpc;

import io.grpc.Attributes;
import io.grpc.ServerCall;
import java.util.Optional;

/**
 * Who is at the other end of a Unix socket connection, as the kernel says (SO_PEERCRED: the
 * process id, user id and primary group id at the time it connected).
 */
public record UnixPeer(int pid, int uid, int gid) {

  /** The transport attribute that {@link UnixSocketServer} sets on every connection. */
  static final Attributes.Key<UnixPeer> KEY = Attributes.Key.create("raidvm-unix-peer");

  /** The peer of a call that came in on a {@link UnixSocketServer}; empty for other calls. */
  public static Optional<UnixPeer> of(ServerCall<?, ?> call) {
    return Optional.ofNullable(call.getAttributes().get(KEY));
  }
}
