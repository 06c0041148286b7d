package io.raidvm.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.raidvm.api.controller.v1.AuditEntry;
import io.raidvm.api.controller.v1.DeleteDiskRequest;
import io.raidvm.api.controller.v1.DiskServiceGrpc;
import io.raidvm.api.controller.v1.ListDisksRequest;
import io.raidvm.common.grpc.HostPort;
import io.raidvm.common.grpc.TlsChannels;
import io.raidvm.common.grpc.TlsFiles;
import io.raidvm.common.grpc.UnixSocketChannels;
import io.raidvm.controller.access.AuditLog;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real controller on TCP with mutual TLS, certificates made by openssl. */
class ControllerTcpTest {

  @TempDir
  Path dir;

  private TestCertificates certs;
  private HostPort address;
  private HostControllerServer controller;

  @BeforeEach
  void start() throws Exception {
    certs = new TestCertificates(dir.resolve("pki"));
    TlsFiles server = certs.server();
    try (ServerSocket free = new ServerSocket(0)) {
      address = new HostPort("localhost", free.getLocalPort());
    }
    controller = new HostControllerServer(ControllerOptions.parse(
        "--state-dir", dir.resolve("state").toString(),
        "--listen", "127.0.0.1:" + address.port(),
        "--tls-cert", server.cert().toString(), "--tls-key", server.key().toString(),
        "--tls-client-ca", certs.ca().toString(),
        "--roles", Files.writeString(dir.resolve("roles"), "# who may do what\n"
            + "CN=client viewer\nDNS:ops operator\n").toString()));
    controller.start();
  }

  @AfterEach
  void stop() {
    controller.stop();
  }

  private static int diskCount(ManagedChannel channel) {
    try {
      return DiskServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .listDisks(ListDisksRequest.getDefaultInstance()).getDisksCount();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void clientWithACertificateFromTheTrustedCa_isServed() {
    TlsFiles client = certs.client();
    assertEquals(0, diskCount(TlsChannels.open(address, client)));
    ManagedChannel channel = TlsChannels.open(address, client);
    try {
      assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus());
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void aViewersDeleteDisk_isRefusedNamingBothRoles_andAudited() throws Exception {
    ManagedChannel channel = TlsChannels.open(address, certs.client());
    try {
      var e = assertThrows(StatusRuntimeException.class, () -> DiskServiceGrpc
          .newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .deleteDisk(DeleteDiskRequest.newBuilder().setName("d1").build()));
      assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
      assertEquals("DeleteDisk needs role admin; you (CN=client) have viewer",
          e.getStatus().getDescription());
    } finally {
      channel.shutdownNow();
    }
    AuditEntry entry = new AuditLog(dir.resolve("state")).list("", Optional.empty(), 0).get(0);
    assertEquals(List.of("CN=client", "viewer", "raidvm.controller.v1.DiskService/DeleteDisk",
        "PERMISSION_DENIED"),
        List.of(entry.getCaller(), entry.getRole(), entry.getRpc(), entry.getCode()));
  }

  @Test
  void aCertificateNamedBySan_getsItsRole_andOneNamedNowhere_isRefused() {
    assertEquals(0, diskCount(TlsChannels.open(address, certs.client("ops"))));
    var e = assertThrows(StatusRuntimeException.class,
        () -> diskCount(TlsChannels.open(address, certs.client("nobody"))));
    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    assertEquals("ListDisks needs role viewer; you (CN=nobody) have no role",
        e.getStatus().getDescription());
  }

  @Test
  void clientWithoutACertificate_isRefused() throws Exception {
    ManagedChannel noCert = NettyChannelBuilder.forAddress(address.host(), address.port())
        .sslContext(GrpcSslContexts.forClient().trustManager(certs.ca().toFile()).build())
        .build();
    var e = assertThrows(StatusRuntimeException.class, () -> diskCount(noCert));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
  }

  @Test
  void clientWithACertificateFromAnotherCa_isRefused() {
    var e = assertThrows(StatusRuntimeException.class,
        () -> diskCount(TlsChannels.open(address, certs.stranger())));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
  }

  @Test
  void theUnixSocketServesAsWell() {
    assertEquals(0, diskCount(UnixSocketChannels.open(dir.resolve("state/controller.sock"),
        Duration.ZERO)));
  }
}
