package io.raidvm.common.grpc;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * One end's mutual TLS: its certificate chain and private key (PEM; the key PKCS#8), and the CA
 * bundle that the other end's certificate must chain to. Java's own TLS does the work (no
 * netty-tcnative); it has ALPN, which HTTP/2 needs.
 */
public record TlsFiles(Path cert, Path key, Path trustedCa) {

  /**
   * This, once each file is there and readable.
   *
   * @throws RaidvmException INVALID_ARGUMENT naming the first file that is not
   */
  public TlsFiles requireReadable() {
    requireReadable("certificate", cert);
    requireReadable("private key", key);
    requireReadable("CA bundle", trustedCa);
    return this;
  }

  private static void requireReadable(String what, Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw RaidvmException.invalidArgument("TLS %s %s is missing or not readable", what, file);
    }
  }

  /** A server's context: clients must show a certificate that chains to {@link #trustedCa}. */
  SslContext serverContext() {
    return build(SslContextBuilder.forServer(cert.toFile(), key.toFile())
        .clientAuth(ClientAuth.REQUIRE));
  }

  /** A client's context: the server's certificate must chain to {@link #trustedCa}. */
  SslContext clientContext() {
    return build(SslContextBuilder.forClient().keyManager(cert.toFile(), key.toFile()));
  }

  private SslContext build(SslContextBuilder builder) {
    try {
      return GrpcSslContexts.configure(builder, SslProvider.JDK)
          .trustManager(trustedCa.toFile())
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw RaidvmException.invalidArgument("cannot use the TLS files (certificate %s, key %s,"
          + " CA bundle %s): %s", cert, key, trustedCa, e.getMessage());
    }
  }
}
