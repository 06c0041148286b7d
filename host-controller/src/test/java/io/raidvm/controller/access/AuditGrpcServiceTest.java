package io.raidvm.controller.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.api.controller.v1.AuditEntry;
import io.raidvm.api.controller.v1.AuditServiceGrpc;
import io.raidvm.api.controller.v1.ListAuditRequest;
import io.raidvm.common.grpc.InProcessGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditGrpcServiceTest {

  @TempDir
  Path dir;

  private static AuditEntry agentLine(String vm, long sequence) {
    return AuditEntry.newBuilder().setVm(vm).setOrigin("agent").setAgentSequence(sequence)
        .setRpc("raidvm.agent.v1.Raid/FailMember").setCode("OK").build();
  }

  @Test
  void aRead_holdsWhatTheAgentWroteUntilThen_copiedForTheVmAsked() throws Exception {
    AuditLog log = new AuditLog(dir);
    List<String> caughtUp = new ArrayList<>();
    AgentAuditCatchUp agents = vm -> {
      caughtUp.add(vm);
      log.append(agentLine(vm.isEmpty() ? "vm1" : vm, caughtUp.size()));
    };
    try (InProcessGrpc grpc = InProcessGrpc.serve(new AuditGrpcService(log, agents))) {
      AuditServiceGrpc.AuditServiceBlockingStub audit =
          AuditServiceGrpc.newBlockingStub(grpc.channel());

      assertEquals(List.of(agentLine("vm2", 1)),
          audit.listAudit(ListAuditRequest.newBuilder().setVm("vm2").build()).getEntriesList());
      assertEquals(List.of(agentLine("vm2", 1), agentLine("vm1", 2)),
          audit.listAudit(ListAuditRequest.getDefaultInstance()).getEntriesList());
      assertEquals(List.of("vm2", ""), caughtUp);
    }
  }

  @Test
  void aReadWithBadInput_isRefusedBeforeAnyAgentIsAsked() throws Exception {
    List<String> caughtUp = new ArrayList<>();
    try (InProcessGrpc grpc = InProcessGrpc.serve(
        new AuditGrpcService(new AuditLog(dir), caughtUp::add))) {
      StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
          StatusRuntimeException.class, () -> AuditServiceGrpc.newBlockingStub(grpc.channel())
              .listAudit(ListAuditRequest.newBuilder().setLimit(20000).build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertEquals(List.of(), caughtUp);
    }
  }
}
