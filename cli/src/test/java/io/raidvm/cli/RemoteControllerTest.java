package io.raidvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.grpc.HostPort;
import io.raidvm.common.grpc.TlsFiles;
import io.raidvm.common.grpc.TlsTcpServer;
import io.raidvm.controller.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** raidctl --address against a stand-in on TCP with mutual TLS, certificates made by openssl. */
class RemoteControllerTest {

  @TempDir
  Path dir;

  private TestCertificates certs;
  private TlsTcpServer server;

  @BeforeEach
  void start() throws Exception {
    certs = new TestCertificates(dir.resolve("pki"));
    server = new TlsTcpServer(new HostPort("127.0.0.1", 0), certs.server(),
        List.of(DiskListStandIn.listing("remote-d1")), Duration.ofSeconds(10)).start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop(Duration.ofSeconds(1));
  }

  /** raidctl, its socket pointing nowhere: what it prints comes from the remote stand-in. */
  private Raidctl raidctl() {
    return new Raidctl(dir.resolve("no-controller-here.sock"));
  }

  private static String[] diskListVia(HostPort address, TlsFiles tls) {
    return new String[] {"disk", "list", "--no-embedded", "--address", address.toString(),
        "--tls-cert", tls.cert().toString(), "--tls-key", tls.key().toString(),
        "--tls-ca", tls.trustedCa().toString()};
  }

  @Test
  void address_withACertificateFromTheTrustedCa_callsTheRemoteController() {
    Raidctl raidctl = raidctl();
    HostPort address = new HostPort("localhost", server.address().port());
    assertEquals(0, raidctl.run(diskListVia(address, certs.client())), raidctl.err.toString());
    assertTrue(raidctl.out.toString().contains("remote-d1"), raidctl.out.toString());
  }

  @Test
  void address_withACertificateFromAnotherCa_isUnreachable_exit5() {
    Raidctl raidctl = raidctl();
    assertEquals(5, raidctl.run(diskListVia(server.address(), certs.stranger())));
    assertTrue(raidctl.err.toString().startsWith("raidctl: UNAVAILABLE"), raidctl.err.toString());
  }

  @Test
  void address_withoutTls_isAUsageError_exit2() {
    Raidctl raidctl = raidctl();
    assertEquals(2, raidctl.run("disk", "list", "--address", server.address().toString(),
        "--tls-ca", certs.ca().toString()));
    assertTrue(raidctl.err.toString().startsWith("--address " + server.address() + ": TLS is"
        + " required: give --tls-cert, --tls-key and --tls-ca (or $RAIDVM_TLS_CERT,"
        + " $RAIDVM_TLS_KEY, $RAIDVM_TLS_CA); missing: --tls-cert --tls-key\n"),
        raidctl.err.toString());
  }
}
