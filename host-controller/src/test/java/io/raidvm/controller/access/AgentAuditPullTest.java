package io.raidvm.controller.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.util.Timestamps;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.AgentAuditEntry;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.ReadAuditRequest;
import io.raidvm.api.agent.v1.ReadAuditResponse;
import io.raidvm.api.controller.v1.AuditEntry;
import io.raidvm.common.grpc.InProcessGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentAuditPullTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @TempDir
  Path state;

  private final FakeAgent agent = new FakeAgent();
  private InProcessGrpc grpc;
  private AuditLog log;
  private Path cursor;

  /**
   * Answers ReadAudit as the agent does (numbered above after_sequence, oldest first, at most
   * the limit), but in pages of at most two, so that a reader must ask again.
   */
  private static final class FakeAgent extends GuestAgentGrpc.GuestAgentImplBase {
    final List<AgentAuditEntry> trail = new CopyOnWriteArrayList<>();
    final List<Long> askedAfter = new CopyOnWriteArrayList<>();

    void did(String rpc) {
      trail.add(AgentAuditEntry.newBuilder().setSequence(trail.size() + 1L)
          .setTime(Timestamps.fromSeconds(1_796_119_200L + trail.size()))
          .setCaller("CN=ops-bot").setRpc(rpc).setRequest("{\"array\":\"md127\"}")
          .setCode("OK").setDurationMs(12).setRequestId("r-" + trail.size()).build());
    }

    @Override
    public void readAudit(ReadAuditRequest request, StreamObserver<ReadAuditResponse> out) {
      askedAfter.add(request.getAfterSequence());
      ReadAuditResponse.Builder page = ReadAuditResponse.newBuilder()
          .setLastSequence(trail.size());
      trail.stream().filter(e -> e.getSequence() > request.getAfterSequence())
          .limit(Math.min(2, request.getLimit())).forEach(page::addEntries);
      out.onNext(page.build());
      out.onCompleted();
    }
  }

  @BeforeEach
  void serve() throws Exception {
    grpc = InProcessGrpc.serve(agent);
    log = new AuditLog(state);
    cursor = state.resolve("vms/vm1/agent-audit.cursor");
    Files.createDirectories(cursor.getParent());
  }

  @AfterEach
  void close() {
    grpc.close();
  }

  private List<Long> copied() {
    return log.list("vm1", Optional.empty(), 0).stream()
        .map(AuditEntry::getAgentSequence).toList();
  }

  @Test
  void everyLine_isCopiedWithOriginAgentAndTheVm_pageAfterPage() {
    for (String rpc : List.of("CreateArray", "SetSyncAction", "FailMember")) {
      agent.did("raidvm.agent.v1.Raid/" + rpc);
    }

    assertEquals(3, new AgentAuditPull("vm1", cursor, log).pull(grpc.channel(), DEADLINE));

    assertEquals(List.of(1L, 2L, 3L), copied());
    assertEquals(AuditEntry.newBuilder()
        .setTime(Timestamps.fromSeconds(1_796_119_202L)).setCaller("CN=ops-bot").setVm("vm1")
        .setRpc("raidvm.agent.v1.Raid/FailMember").setRequest("{\"array\":\"md127\"}")
        .setCode("OK").setDurationMs(12).setOrigin("agent").setAgentSequence(3)
        .setRequestId("r-2").build(), log.list("vm1", Optional.empty(), 0).get(2));
    assertEquals(List.of(0L, 2L), agent.askedAfter);
  }

  @Test
  void aControllerThatStartsAgain_copiesOnlyWhatIsNew() throws Exception {
    agent.did("raidvm.agent.v1.Raid/CreateArray");
    agent.did("raidvm.agent.v1.Filesystems/MakeFilesystem");
    new AgentAuditPull("vm1", cursor, log).pull(grpc.channel(), DEADLINE);
    assertEquals("2", Files.readString(cursor).strip());

    AgentAuditPull restarted = new AgentAuditPull("vm1", cursor, log);
    assertEquals(0, restarted.pull(grpc.channel(), DEADLINE));
    agent.did("raidvm.agent.v1.Filesystems/Mount");
    assertEquals(1, restarted.pull(grpc.channel(), DEADLINE));

    assertEquals(List.of(1L, 2L, 3L), copied());
  }

  @Test
  void anAgentTrailBegunAgain_isCopiedFromItsStart() throws Exception {
    Files.writeString(cursor, "7\n");
    agent.did("raidvm.agent.v1.Raid/CreateArray");

    assertEquals(1, new AgentAuditPull("vm1", cursor, log).pull(grpc.channel(), DEADLINE));

    assertEquals(List.of(1L), copied());
    assertEquals("1", Files.readString(cursor).strip());
  }
}
