package io.raidvm.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.common.grpc.HostPort;
import io.raidvm.common.grpc.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerOptionsTest {

  @TempDir
  Path dir;

  @Test
  void parse_withoutFlags_usesVarLibRaidvmAndPathsInsideIt() throws Exception {
    ControllerOptions o = ControllerOptions.parse();
    assertEquals(Path.of("/var/lib/raidvm"), o.stateDir());
    assertEquals(Path.of("/var/lib/raidvm/images"), o.imageDir());
    assertEquals(Path.of("/var/lib/raidvm/controller.sock"), o.socket());
    assertEquals(Optional.empty(), o.tcp());
  }

  @Test
  void parse_withStateDir_derivesImageDirAndSocketFromIt() throws Exception {
    ControllerOptions o = ControllerOptions.parse("--state-dir", "/tmp/s");
    assertEquals(Path.of("/tmp/s/images"), o.imageDir());
    assertEquals(Path.of("/tmp/s/controller.sock"), o.socket());
  }

  @Test
  void parse_withEqualsForm_takesEachValue() throws Exception {
    ControllerOptions o = ControllerOptions.parse("--state-dir=/a", "--image-dir=/b",
        "--socket=/c.sock");
    assertEquals(new ControllerOptions(Path.of("/a"), Path.of("/b"), Path.of("/c.sock")), o);
  }

  @Test
  void parse_metricsListen_asksForTheMetricsListener_offWithoutIt() throws Exception {
    assertEquals(Optional.of(new HostPort("127.0.0.1", 9633)),
        ControllerOptions.parse("--metrics-listen", "127.0.0.1:9633").metrics());
    assertEquals(Optional.empty(), ControllerOptions.parse().metrics());
  }

  @Test
  void parse_metricsListenWithoutAPort_failsNamingTheFlag() {
    var e = assertThrows(ControllerOptions.UsageException.class,
        () -> ControllerOptions.parse("--metrics-listen", "localhost"));
    assertEquals("--metrics-listen: 'localhost' is not HOST:PORT", e.getMessage());
  }

  @Test
  void parse_withUnknownFlag_failsNamingIt() {
    var e = assertThrows(ControllerOptions.UsageException.class,
        () -> ControllerOptions.parse("--accel", "kvm"));
    assertEquals("unknown option --accel", e.getMessage());
  }

  @Test
  void parse_withFlagMissingItsValue_failsSayingSo() {
    var e = assertThrows(ControllerOptions.UsageException.class,
        () -> ControllerOptions.parse("--socket"));
    assertEquals("--socket needs a value", e.getMessage());
  }

  @Test
  void parse_listenWithTheThreeTlsFiles_asksForATcpListener() throws Exception {
    Path cert = Files.writeString(dir.resolve("c.crt"), "");
    Path key = Files.writeString(dir.resolve("c.key"), "");
    Path ca = Files.writeString(dir.resolve("ca.crt"), "");
    ControllerOptions o = ControllerOptions.parse("--listen", "0.0.0.0:7443", "--tls-cert",
        cert.toString(), "--tls-key", key.toString(), "--tls-client-ca", ca.toString());
    assertEquals(Optional.of(new ControllerOptions.TcpListener(new HostPort("0.0.0.0", 7443),
        new TlsFiles(cert, key, ca))), o.tcp());
  }

  @Test
  void parse_listenWithoutTls_refusesNamingWhatIsMissing() throws Exception {
    Path cert = Files.writeString(dir.resolve("c.crt"), "");
    var e = assertThrows(ControllerOptions.UsageException.class,
        () -> ControllerOptions.parse("--listen", ":7443", "--tls-cert", cert.toString()));
    assertEquals("refusing to open TCP port :7443 without TLS: give --tls-cert, --tls-key and"
        + " --tls-client-ca (missing: --tls-key --tls-client-ca)", e.getMessage());
  }

  @Test
  void parse_tlsFilesWithoutListen_failsSayingTheyAreForListen() {
    var e = assertThrows(ControllerOptions.UsageException.class,
        () -> ControllerOptions.parse("--tls-client-ca", "/ca.crt"));
    assertEquals("--tls-cert, --tls-key and --tls-client-ca are for --listen, which is not"
        + " given", e.getMessage());
  }

  @Test
  void parse_listenWithAMissingTlsFile_failsNamingIt() throws Exception {
    Path cert = Files.writeString(dir.resolve("c.crt"), "");
    Path ca = Files.writeString(dir.resolve("ca.crt"), "");
    var e = assertThrows(ControllerOptions.UsageException.class,
        () -> ControllerOptions.parse("--listen", "localhost:7443", "--tls-cert",
            cert.toString(), "--tls-key", dir.resolve("gone.key").toString(), "--tls-client-ca",
            ca.toString()));
    assertEquals("TLS private key " + dir.resolve("gone.key") + " is missing or not readable",
        e.getMessage());
  }

  @Test
  void parse_listenWithoutAPort_failsSayingHostPort() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "");
    var e = assertThrows(ControllerOptions.UsageException.class,
        () -> ControllerOptions.parse("--listen", "localhost", "--tls-cert", f.toString(),
            "--tls-key", f.toString(), "--tls-client-ca", f.toString()));
    assertEquals("'localhost' is not HOST:PORT", e.getMessage());
  }
}
