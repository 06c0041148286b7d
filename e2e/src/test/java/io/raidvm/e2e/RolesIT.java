package io.raidvm.e2e;

import static io.raidvm.e2e.Checks.assertCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.raidvm.api.controller.v1.AuditEntry;
import io.raidvm.api.controller.v1.AuditServiceGrpc;
import io.raidvm.api.controller.v1.CreateDiskRequest;
import io.raidvm.api.controller.v1.DeleteDiskRequest;
import io.raidvm.api.controller.v1.DiskServiceGrpc;
import io.raidvm.api.controller.v1.ListAuditRequest;
import io.raidvm.api.controller.v1.ListDisksRequest;
import io.raidvm.common.grpc.HostPort;
import io.raidvm.common.grpc.TlsChannels;
import io.raidvm.common.grpc.TlsFiles;
import io.raidvm.controller.TestCertificates;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Who may do what, end to end: the real controller jar on TCP with mutual TLS, three client
 * certificates mapped to viewer, operator and admin by a roles file, and the audit lines their
 * calls leave. No VM: disks are enough to show each role allowed and refused.
 */
class RolesIT {

  private static final Path IMAGES = Path.of(System.getProperty("raidvm.image.dir",
      "/var/cache/raidvm/images"));

  @Test
  void eachRole_isAllowedWhatItMayDo_refusedTheRest_andEveryChangeIsAudited() throws Exception {
    Path dir = TestFolders.create("raidvm-roles-");
    TestCertificates certs = new TestCertificates(dir.resolve("certs"));
    TlsFiles server = certs.server();
    Path roles = Files.writeString(dir.resolve("roles"),
        "CN=viewer viewer\nCN=operator operator\nCN=admin admin\n");
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    HostPort address = new HostPort("localhost", port);
    try (ControllerProcess controller = new ControllerProcess(
        Files.createDirectories(dir.resolve("state")), IMAGES)
        .start(List.of("--listen", "127.0.0.1:" + port, "--tls-cert", server.cert().toString(),
            "--tls-key", server.key().toString(), "--tls-client-ca", certs.ca().toString(),
            "--roles", roles.toString()))) {
      ManagedChannel viewer = TlsChannels.open(address, certs.client("viewer"));
      ManagedChannel operator = TlsChannels.open(address, certs.client("operator"));
      ManagedChannel admin = TlsChannels.open(address, certs.client("admin"));
      ManagedChannel nobody = TlsChannels.open(address, certs.client("nobody"));
      try {
        awaitTcp(viewer);
        assertEquals(0, disks(viewer).listDisks(ListDisksRequest.getDefaultInstance())
            .getDisksCount());
        var refused = assertCode(Status.Code.PERMISSION_DENIED, () -> disks(viewer).createDisk(
            CreateDiskRequest.newBuilder().setName("r1").setSize("1M").build()));
        assertEquals("CreateDisk needs role operator; you (CN=viewer) have viewer",
            refused.getStatus().getDescription());

        disks(operator).createDisk(CreateDiskRequest.newBuilder().setName("r1").setSize("1M")
            .build());
        assertCode(Status.Code.PERMISSION_DENIED, () -> disks(operator).deleteDisk(
            DeleteDiskRequest.newBuilder().setName("r1").build()));

        disks(admin).deleteDisk(DeleteDiskRequest.newBuilder().setName("r1").build());
        assertCode(Status.Code.PERMISSION_DENIED, () -> disks(nobody).listDisks(
            ListDisksRequest.getDefaultInstance()));

        List<AuditEntry> trail = AuditServiceGrpc.newBlockingStub(admin)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .listAudit(ListAuditRequest.getDefaultInstance()).getEntriesList();
        List<String> seen = trail.stream().map(e -> e.getCaller() + " " + e.getRole() + " "
            + e.getRpc().substring(e.getRpc().indexOf('/') + 1) + " " + e.getCode()).toList();
        System.out.println("audit trail:\n  " + String.join("\n  ", seen));
        assertEquals(List.of(
            "CN=viewer viewer CreateDisk PERMISSION_DENIED",
            "CN=operator operator CreateDisk OK",
            "CN=operator operator DeleteDisk PERMISSION_DENIED",
            "CN=admin admin DeleteDisk OK"), seen.stream()
            .filter(line -> line.contains("Disk ")).toList());
        assertTrue(Files.readString(dir.resolve("state/audit.jsonl")).contains("CN\\u003dadmin"),
            "the trail is on disk, one JSON object a line");
      } finally {
        for (ManagedChannel c : List.of(viewer, operator, admin, nobody)) {
          c.shutdownNow();
        }
      }
    }
  }

  private static DiskServiceGrpc.DiskServiceBlockingStub disks(ManagedChannel channel) {
    return DiskServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** The TCP listener opens right after the socket: wait until it answers. */
  private static void awaitTcp(ManagedChannel channel) {
    Checks.eventually(java.time.Duration.ofSeconds(30), () -> disks(channel)
        .listDisks(ListDisksRequest.getDefaultInstance()));
  }
}
