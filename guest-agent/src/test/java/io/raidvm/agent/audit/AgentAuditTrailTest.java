package io.raidvm.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.util.Timestamps;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.raidvm.common.testing.SteppingClock;
import io.raidvm.api.agent.v1.AgentAuditEntry;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.MemberRequest;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.common.grpc.AgentRouting;
import io.raidvm.common.grpc.IdempotentCalls;
import io.raidvm.common.grpc.InProcessGrpc;
import io.raidvm.common.grpc.UnixPeer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentAuditTrailTest {

  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final long OWN_PID = 4242;

  @TempDir
  Path root;

  private AgentAuditLog log;
  private InProcessGrpc grpc;

  /** FailMember answers or refuses as its device says; GetArray is a read. */
  private static final class FakeRaid extends RaidGrpc.RaidImplBase {
    @Override
    public void failMember(MemberRequest request, StreamObserver<Array> responses) {
      if (request.getDevice().equals("d9-part1")) {
        responses.onError(Status.FAILED_PRECONDITION
            .withDescription("d9-part1 is no member of md127").asRuntimeException());
        return;
      }
      responses.onNext(Array.newBuilder().setName(request.getArray()).build());
      responses.onCompleted();
    }

    @Override
    public void getArray(GetArrayRequest request, StreamObserver<Array> responses) {
      responses.onNext(Array.newBuilder().setName(request.getArray()).build());
      responses.onCompleted();
    }
  }

  @BeforeEach
  void serve() {
    log = AgentAuditLog.in(root);
    grpc = InProcessGrpc.serveIntercepted(
        new AgentAuditTrail(log, new SteppingClock(NOW), OWN_PID), new FakeRaid());
  }

  @AfterEach
  void close() {
    grpc.close();
  }

  private RaidGrpc.RaidBlockingStub raid(String caller, String requestId) {
    Metadata headers = new Metadata();
    if (caller != null) {
      headers.put(AgentRouting.CALLER_HEADER, AgentRouting.headerText(caller));
    }
    if (requestId != null) {
      headers.put(IdempotentCalls.REQUEST_ID, requestId);
    }
    return RaidGrpc.newBlockingStub(grpc.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private List<AgentAuditEntry> lines() {
    return log.read(0, 0).getEntriesList().stream()
        .map(e -> e.toBuilder().clearDurationMs().build()).toList();
  }

  @Test
  void aCallThatChangesSomething_leavesOneLineWithItsFields_beforeItsAnswer() {
    raid("CN=ops bot, O=Lab ü", "fail-1").failMember(MemberRequest.newBuilder()
        .setArray("md127").setDevice("d2-part1").build());

    assertEquals(List.of(AgentAuditEntry.newBuilder()
        .setSequence(1)
        .setTime(Timestamps.fromMillis(NOW.toEpochMilli()))
        .setCaller("CN=ops bot, O=Lab ü")
        .setRpc("raidvm.agent.v1.Raid/FailMember")
        .setRequest("{\"array\":\"md127\",\"device\":\"d2-part1\"}")
        .setCode("OK")
        .setRequestId("fail-1")
        .build()), lines());
  }

  @Test
  void aRefusedCall_isRecordedWithItsCodeAndMessage_underTheNextNumber() {
    raid("uid=0(root)", null).failMember(MemberRequest.newBuilder()
        .setArray("md127").setDevice("d2-part1").build());
    var e = assertThrows(StatusRuntimeException.class, () -> raid("uid=0(root)", null)
        .failMember(MemberRequest.newBuilder().setArray("md127").setDevice("d9-part1").build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());

    AgentAuditEntry refused = lines().get(1);
    assertEquals(2, refused.getSequence());
    assertEquals("FAILED_PRECONDITION", refused.getCode());
    assertEquals("d9-part1 is no member of md127", refused.getMessage());
  }

  @Test
  void aRead_leavesNoLine() {
    raid("uid=0(root)", null).getArray(GetArrayRequest.newBuilder().setArray("md127").build());
    assertEquals(List.of(), lines());
    assertEquals(0, log.read(0, 0).getLastSequence());
  }

  @Test
  void aHostSessionWithoutCaller_isSaidSo() {
    raid(null, null).failMember(MemberRequest.newBuilder()
        .setArray("md127").setDevice("d2-part1").build());
    assertEquals("host (not reported)", lines().get(0).getCaller());
  }

  @Test
  void aProcessInTheGuest_isRecordedAsLocal_whateverCallerItClaims() {
    AgentAuditTrail trail = new AgentAuditTrail(log, new SteppingClock(NOW), OWN_PID);
    assertEquals("local uid=1000 pid=77",
        trail.callerOf(Optional.of(new UnixPeer(77, 1000, 1000)), "CN=admin-bot"));
    assertEquals("CN=admin-bot",
        trail.callerOf(Optional.of(new UnixPeer((int) OWN_PID, 0, 0)), "CN=admin-bot"));
  }
}
