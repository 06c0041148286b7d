package io.raidvm.controller.agent;

import io.grpc.Metadata;
import java.util.Set;

/** The application's own headers and trailers, without the ones gRPC and HTTP/2 manage. */
final class ForwardedMetadata {

  private static final Set<String> TRANSPORT = Set.of("content-type", "te", "user-agent",
      "host", "accept-encoding", "content-encoding");

  private ForwardedMetadata() {}

  static Metadata copy(Metadata from) {
    Metadata to = new Metadata();
    for (String name : from.keys()) {
      if (name.startsWith("grpc-") || name.startsWith(":") || TRANSPORT.contains(name)) {
        continue;
      }
      if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        Metadata.Key<byte[]> key = Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER);
        from.getAll(key).forEach(v -> to.put(key, v));
      } else {
        Metadata.Key<String> key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
        from.getAll(key).forEach(v -> to.put(key, v));
      }
    }
    return to;
  }
}
