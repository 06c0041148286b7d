package io.raidvm.controller.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.raidvm.api.controller.v1.AuditEntry;
import io.raidvm.api.controller.v1.DeleteDiskRequest;
import io.raidvm.api.controller.v1.DeleteDiskResponse;
import io.raidvm.api.controller.v1.DiskServiceGrpc;
import io.raidvm.api.controller.v1.ListDisksRequest;
import io.raidvm.api.controller.v1.ListDisksResponse;
import io.raidvm.api.controller.v1.StopVmRequest;
import io.raidvm.api.controller.v1.Vm;
import io.raidvm.api.controller.v1.VmServiceGrpc;
import io.raidvm.common.access.Role;
import io.raidvm.controller.metrics.Exposition;
import io.raidvm.controller.metrics.RpcMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerChainTest {

  private static final Metadata.Key<String> ROLE =
      Metadata.Key.of("test-role", Metadata.ASCII_STRING_MARSHALLER);
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir
  Path dir;

  private final List<String> reached = new CopyOnWriteArrayList<>();
  private AuditLog audit;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    audit = new AuditLog(dir);
    Callers byHeader = (call, headers) -> Optional.ofNullable(headers.get(ROLE))
        .map(r -> Caller.of("CN=" + r + "-bot", Role.parse(r)))
        .orElse(Caller.withoutRole("CN=stranger"));
    ControllerChain chain = new ControllerChain(byHeader, audit,
        Clock.fixed(NOW, ZoneOffset.UTC), new RpcMetrics(registry));
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name)
        .addService(chain.around(new Disks().bindService()))
        .addService(chain.around(new Vms().bindService()))
        .build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private DiskServiceGrpc.DiskServiceBlockingStub disks(String role) {
    Metadata headers = new Metadata();
    headers.put(ROLE, role);
    return DiskServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Test
  void aViewersDestructiveCall_isRefusedNamingBothRoles_andNeverReachesTheService() {
    var e = assertThrows(StatusRuntimeException.class, () -> disks("viewer")
        .deleteDisk(DeleteDiskRequest.newBuilder().setName("d1").build()));
    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    assertEquals("DeleteDisk needs role admin; you (CN=viewer-bot) have viewer",
        e.getStatus().getDescription());
    assertEquals(List.of(), reached);
  }

  @Test
  void aRefusedCall_isAudited_withCallerRoleAndCode() {
    assertThrows(StatusRuntimeException.class, () -> disks("operator")
        .deleteDisk(DeleteDiskRequest.newBuilder().setName("d1").build()));
    assertEquals(List.of(AuditEntry.newBuilder()
        .setTime(com.google.protobuf.util.Timestamps.fromMillis(NOW.toEpochMilli()))
        .setCaller("CN=operator-bot").setRole("operator")
        .setRpc("raidvm.controller.v1.DiskService/DeleteDisk").setCode("PERMISSION_DENIED")
        .setMessage("DeleteDisk needs role admin; you (CN=operator-bot) have operator")
        .setOrigin("controller").build()), withoutDurations(audit.list("", Optional.empty(), 0)));
  }

  @Test
  void aRetryWithTheSameRequestId_reachesTheServiceOnce_andBothAreAudited() {
    Metadata retry = new Metadata();
    retry.put(io.raidvm.common.grpc.IdempotentCalls.REQUEST_ID, "delete-d1-1");
    DiskServiceGrpc.DiskServiceBlockingStub admin = disks("admin")
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(retry));

    admin.deleteDisk(DeleteDiskRequest.newBuilder().setName("d1").build());
    admin.deleteDisk(DeleteDiskRequest.newBuilder().setName("d1").build());

    assertEquals(List.of("DeleteDisk d1"), reached);
    assertEquals(List.of("delete-d1-1", "delete-d1-1"), audit.list("", Optional.empty(), 0)
        .stream().map(AuditEntry::getRequestId).toList());
  }

  @Test
  void anAdminsCall_reachesTheService_andIsAuditedWithItsRequest() {
    disks("admin").deleteDisk(DeleteDiskRequest.newBuilder().setName("d1").build());
    assertEquals(List.of("DeleteDisk d1"), reached);
    AuditEntry entry = audit.list("", Optional.empty(), 0).get(0);
    assertEquals("CN=admin-bot", entry.getCaller());
    assertEquals("admin", entry.getRole());
    assertEquals("{\"name\":\"d1\"}", entry.getRequest());
    assertEquals("OK", entry.getCode());
  }

  @Test
  void aCallAboutAVm_isAuditedUnderThatVm() {
    Metadata headers = new Metadata();
    headers.put(ROLE, "admin");
    VmServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .stopVm(StopVmRequest.newBuilder().setName("vm1").setForce(true).build());
    assertEquals("vm1", audit.list("vm1", Optional.empty(), 0).get(0).getVm());
    assertEquals(List.of(), audit.list("vm2", Optional.empty(), 0));
  }

  @Test
  void reads_areServedToViewers_andNotAudited() {
    assertEquals(ListDisksResponse.getDefaultInstance(),
        disks("viewer").listDisks(ListDisksRequest.getDefaultInstance()));
    assertFalse(Files.exists(dir.resolve("audit.jsonl")));
  }

  @Test
  void aCallerWithoutARole_isRefusedEvenAReadAndAnUnexpectedErrorStaysHidden() {
    var e = assertThrows(StatusRuntimeException.class, () -> DiskServiceGrpc
        .newBlockingStub(channel).listDisks(ListDisksRequest.getDefaultInstance()));
    assertEquals("ListDisks needs role viewer; you (CN=stranger) have no role",
        e.getStatus().getDescription());
    var boom = assertThrows(StatusRuntimeException.class, () -> disks("admin")
        .deleteDisk(DeleteDiskRequest.newBuilder().setName("boom").build()));
    assertEquals(Status.Code.INTERNAL, boom.getStatus().getCode());
    assertTrue(boom.getStatus().getDescription().startsWith("unexpected error "));
    assertEquals("INTERNAL", audit.list("", Optional.empty(), 0).get(0).getCode());
  }

  @Test
  void everyCall_isCountedByMethodAndCode_refusedAndFailedOnesToo() {
    disks("viewer").listDisks(ListDisksRequest.getDefaultInstance());
    disks("viewer").listDisks(ListDisksRequest.getDefaultInstance());
    assertThrows(StatusRuntimeException.class, () -> disks("viewer")
        .deleteDisk(DeleteDiskRequest.newBuilder().setName("d1").build()));
    assertThrows(StatusRuntimeException.class, () -> disks("admin")
        .deleteDisk(DeleteDiskRequest.newBuilder().setName("boom").build()));

    List<String> counts = Exposition.samples(registry).stream()
        .filter(l -> l.startsWith("raidvm_rpc_duration_seconds_count")).sorted().toList();
    assertEquals(List.of(
        "raidvm_rpc_duration_seconds_count{code=\"INTERNAL\","
            + "method=\"raidvm.controller.v1.DiskService/DeleteDisk\"} 1",
        "raidvm_rpc_duration_seconds_count{code=\"OK\","
            + "method=\"raidvm.controller.v1.DiskService/ListDisks\"} 2",
        "raidvm_rpc_duration_seconds_count{code=\"PERMISSION_DENIED\","
            + "method=\"raidvm.controller.v1.DiskService/DeleteDisk\"} 1"), counts);
  }

  private static List<AuditEntry> withoutDurations(List<AuditEntry> entries) {
    return entries.stream().map(e -> e.toBuilder().clearDurationMs().build()).toList();
  }

  private final class Disks extends DiskServiceGrpc.DiskServiceImplBase {
    @Override
    public void deleteDisk(DeleteDiskRequest request,
        StreamObserver<DeleteDiskResponse> response) {
      if (request.getName().equals("boom")) {
        throw new IllegalStateException("a bug");
      }
      reached.add("DeleteDisk " + request.getName());
      response.onNext(DeleteDiskResponse.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void listDisks(ListDisksRequest request, StreamObserver<ListDisksResponse> response) {
      response.onNext(ListDisksResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  private final class Vms extends VmServiceGrpc.VmServiceImplBase {
    @Override
    public void stopVm(StopVmRequest request, StreamObserver<Vm> response) {
      response.onNext(Vm.getDefaultInstance());
      response.onCompleted();
    }
  }
}
