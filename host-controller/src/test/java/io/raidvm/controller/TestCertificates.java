package io.raidvm.controller;

import io.raidvm.common.grpc.TlsFiles;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Throwaway certificates made with openssl in a folder: a trusted CA, and certificates for a
 * server (localhost, 127.0.0.1) and for clients, each with the trusted CA to check the other end.
 */
public final class TestCertificates {

  private final ProcessRunner runner = new ProcessRunner();
  private final Path dir;

  /** Makes {@code dir} and the trusted CA in it. */
  public TestCertificates(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    newCa("ca");
  }

  /** The trusted CA's certificate. */
  public Path ca() {
    return Path.of(cert("ca"));
  }

  /** A server certificate for localhost and 127.0.0.1, from the trusted CA. */
  public TlsFiles server() {
    return issue("ca", "server", "DNS:localhost,IP:127.0.0.1");
  }

  /** A client certificate from the trusted CA. */
  public TlsFiles client() {
    return issue("ca", "client", "DNS:client");
  }

  /** A client certificate from the trusted CA with subject CN=name and SAN DNS:name. */
  public TlsFiles client(String name) {
    return issue("ca", name, "DNS:" + name);
  }

  /** A client certificate from a CA that nobody trusts. */
  public TlsFiles stranger() {
    newCa("other");
    return issue("other", "stranger", "DNS:stranger");
  }

  private void newCa(String name) {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc",
        "-keyout", key(name), "-out", cert(name), "-days", "2", "-subj", "/CN=" + name);
  }

  private TlsFiles issue(String ca, String name, String san) {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc",
        "-keyout", key(name), "-out", cert(name), "-days", "2", "-subj", "/CN=" + name,
        "-CA", cert(ca), "-CAkey", key(ca), "-addext", "subjectAltName=" + san,
        "-addext", "basicConstraints=critical,CA:FALSE");
    return new TlsFiles(Path.of(cert(name)), Path.of(key(name)), ca());
  }

  private String key(String name) {
    return dir.resolve(name + ".key").toString();
  }

  private String cert(String name) {
    return dir.resolve(name + ".crt").toString();
  }

  private void openssl(String... args) {
    runner.run(Command.of(Stream.concat(Stream.of("openssl"), Stream.of(args)).toList()))
        .orThrow();
  }
}
