package io.raidvm.controller;

import io.raidvm.common.grpc.TlsFiles;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.ProcessRunner;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Throwaway CAs and certificates, made with openssl in a folder. */
final class TestCertificates {

  private final ProcessRunner runner = new ProcessRunner();
  private final Path dir;

  TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** A new self-signed CA called {@code name}; returns its certificate. */
  Path ca(String name) {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc",
        "-keyout", key(name), "-out", cert(name), "-days", "2", "-subj", "/CN=" + name);
    return Path.of(cert(name));
  }

  /**
   * A certificate for {@code name} with subject alternative names {@code san}, signed by the CA
   * {@code ca}; returns it with its key and {@code trusted} as the CA its holder trusts.
   */
  TlsFiles issue(String ca, String name, String san, Path trusted) {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc",
        "-keyout", key(name), "-out", cert(name), "-days", "2", "-subj", "/CN=" + name,
        "-CA", cert(ca), "-CAkey", key(ca), "-addext", "subjectAltName=" + san,
        "-addext", "basicConstraints=critical,CA:FALSE");
    return new TlsFiles(Path.of(cert(name)), Path.of(key(name)), trusted);
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
