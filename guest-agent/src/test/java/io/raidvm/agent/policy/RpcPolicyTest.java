package io.raidvm.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.GetMdstatRequest;
import io.raidvm.api.agent.v1.Mdstat;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.agent.v1.ZeroSuperblockRequest;
import io.raidvm.api.agent.v1.ZeroSuperblockResponse;
import io.raidvm.common.grpc.InProcessGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RpcPolicyTest {

  private static final String WHERE = "/etc/raidvm-agent/rpcs.conf";
  private static final String ZERO = "raidvm.agent.v1.Raid/ZeroSuperblock";
  private static final String MDSTAT = "raidvm.agent.v1.Raid/GetMdstat";

  @TempDir
  Path root;

  @Test
  void noRules_answerEverything() {
    RpcPolicy policy = RpcPolicy.parse("# nothing restricted\n\n", WHERE);

    assertEquals(Optional.empty(), policy.refusal(ZERO, WHERE));
  }

  @Test
  void aBlockLine_refusesWhatItNames_withOrWithoutThePackage() {
    RpcPolicy policy = RpcPolicy.parse("block Raid/ZeroSuperblock\n"
        + "block raidvm.agent.v1.Disks/Partition  # no re-labelling here\n", WHERE);

    assertEquals(Optional.of("Raid/ZeroSuperblock is blocked in this guest by " + WHERE),
        policy.refusal(ZERO, WHERE));
    assertEquals(Optional.of("Disks/Partition is blocked in this guest by " + WHERE),
        policy.refusal("raidvm.agent.v1.Disks/Partition", WHERE));
    assertEquals(Optional.empty(), policy.refusal(MDSTAT, WHERE));
  }

  @Test
  void allowLines_answerOnlyWhatTheyName_andABlockLineStillWins() {
    RpcPolicy policy = RpcPolicy.parse("allow Raid/*\nallow GuestAgent/GetInfo\n"
        + "block Raid/ZeroSuperblock\n", WHERE);

    assertEquals(Optional.empty(), policy.refusal(MDSTAT, WHERE));
    assertEquals(Optional.empty(), policy.refusal("raidvm.agent.v1.GuestAgent/GetInfo", WHERE));
    assertEquals(Optional.of("Filesystems/MakeFilesystem is not among the calls " + WHERE
        + " allows in this guest"), policy.refusal("raidvm.agent.v1.Filesystems/MakeFilesystem",
        WHERE));
    assertEquals(Optional.of("Raid/ZeroSuperblock is blocked in this guest by " + WHERE),
        policy.refusal(ZERO, WHERE));
  }

  @Test
  void aLineThatIsNoRule_refusesEverything_namingTheLine() {
    RpcPolicy policy = RpcPolicy.parse("allow Raid/*\ndeny Raid/ZeroSuperblock\n", WHERE);

    assertEquals(Optional.of(WHERE + " line 2 is not a rule: 'deny Raid/ZeroSuperblock' (write"
        + " 'allow Service/Method' or 'block Service/*'); every call is refused until it is"
        + " fixed"), policy.refusal(MDSTAT, WHERE));
  }

  @Test
  void theGate_refusesABlockedCallWithPermissionDenied_beforeTheServiceRuns() throws Exception {
    Files.createDirectories(root.resolve("etc/raidvm-agent"));
    Files.writeString(root.resolve(RpcPolicyGate.FILE), "block Raid/ZeroSuperblock\n");
    List<String> reached = new CopyOnWriteArrayList<>();
    RaidGrpc.RaidImplBase raid = new RaidGrpc.RaidImplBase() {
      @Override
      public void getMdstat(GetMdstatRequest request, StreamObserver<Mdstat> responses) {
        reached.add("GetMdstat");
        responses.onNext(Mdstat.getDefaultInstance());
        responses.onCompleted();
      }

      @Override
      public void zeroSuperblock(ZeroSuperblockRequest request,
          StreamObserver<ZeroSuperblockResponse> responses) {
        reached.add("ZeroSuperblock");
        responses.onNext(ZeroSuperblockResponse.getDefaultInstance());
        responses.onCompleted();
      }
    };
    RpcPolicyGate gate = RpcPolicyGate.of(root);
    try (InProcessGrpc grpc = InProcessGrpc.serveDirect(() ->
        io.grpc.ServerInterceptors.intercept(raid, gate))) {
      RaidGrpc.RaidBlockingStub stub = RaidGrpc.newBlockingStub(grpc.channel());

      StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
          StatusRuntimeException.class, () -> stub.zeroSuperblock(
              ZeroSuperblockRequest.newBuilder().setDevice("d2-part1").build()));
      stub.getMdstat(GetMdstatRequest.getDefaultInstance());

      assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
      assertEquals("Raid/ZeroSuperblock is blocked in this guest by " + WHERE,
          e.getStatus().getDescription());
      assertEquals(List.of("GetMdstat"), reached);
    }
  }

  @Test
  void theGate_withoutAFile_answersEverything() {
    assertEquals(Optional.empty(), RpcPolicyGate.of(root).policy().refusal(ZERO, WHERE));
  }
}
