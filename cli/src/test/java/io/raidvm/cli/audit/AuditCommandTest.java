package io.raidvm.cli.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.controller.v1.AuditEntry;
import io.raidvm.api.controller.v1.AuditServiceGrpc;
import io.raidvm.api.controller.v1.ListAuditRequest;
import io.raidvm.api.controller.v1.ListAuditResponse;
import io.raidvm.cli.Raidctl;
import io.raidvm.cli.StandIn;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {

  @TempDir
  Path dir;

  private final List<ListAuditRequest> asked = new CopyOnWriteArrayList<>();

  private final AuditServiceGrpc.AuditServiceImplBase audit =
      new AuditServiceGrpc.AuditServiceImplBase() {
        @Override
        public void listAudit(ListAuditRequest request,
            StreamObserver<ListAuditResponse> responses) {
          asked.add(request);
          responses.onNext(ListAuditResponse.newBuilder().addEntries(AuditEntry.newBuilder()
              .setTime(Timestamp.newBuilder().setSeconds(1796112000))
              .setCaller("CN=ops-bot").setRole("operator").setVm("vm1")
              .setRpc("raidvm.agent.v1.Raid/FailMember").setCode("PERMISSION_DENIED")
              .setDurationMs(3)).addEntries(AuditEntry.newBuilder()
              .setTime(Timestamp.newBuilder().setSeconds(1796112001))
              .setCaller("CN=admin-bot").setVm("vm1").setOrigin("agent").setAgentSequence(7)
              .setRpc("raidvm.agent.v1.Raid/FailMember").setCode("OK")
              .setDurationMs(40)).build());
          responses.onCompleted();
        }
      };

  @Test
  void audit_asksForTheVmAndTheTimeSince_andPrintsOneRowPerCall() throws Exception {
    try (StandIn controller = new StandIn(dir.resolve("c.sock"), audit)) {
      Raidctl raidctl = new Raidctl(dir.resolve("c.sock"));

      assertEquals(0, raidctl.run("audit", "--vm", "vm1", "--since", "2h"));

      ListAuditRequest request = asked.get(0);
      assertEquals("vm1", request.getVm());
      assertEquals(100, request.getLimit());
      long ago = Instant.now().getEpochSecond() - request.getSince().getSeconds();
      assertTrue(Math.abs(ago - Duration.ofHours(2).toSeconds()) < 600, "since " + ago + " s");
      List<String> lines = raidctl.out.toString().lines().toList();
      assertEquals(List.of("TIME", "FROM", "CALLER", "ROLE", "VM", "RPC", "RESULT", "MS"),
          List.of(lines.get(0).trim().split("\\s+")));
      assertEquals(List.of("2026-12-01T08:00:00Z", "controller", "CN=ops-bot", "operator", "vm1",
          "Raid/FailMember", "PERMISSION_DENIED", "3"), List.of(lines.get(1).trim().split("\\s+")));
      assertEquals(List.of("2026-12-01T08:00:01Z", "agent", "CN=admin-bot", "-", "vm1",
          "Raid/FailMember", "OK", "40"), List.of(lines.get(2).trim().split("\\s+")));
    }
  }

  @Test
  void audit_withABadSinceOrLimit_isAUsageError_andAsksNothing() throws Exception {
    try (StandIn controller = new StandIn(dir.resolve("c.sock"), audit)) {
      Raidctl raidctl = new Raidctl(dir.resolve("c.sock"));

      assertEquals(2, raidctl.run("audit", "--since", "yesterday"));
      assertEquals(2, raidctl.run("audit", "--limit", "0"));

      assertEquals(List.of(), asked);
    }
  }
}
