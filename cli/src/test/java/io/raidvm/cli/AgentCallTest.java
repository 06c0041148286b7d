package io.raidvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.AddFstabEntryRequest;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.BenchmarkRequest;
import io.raidvm.api.agent.v1.BenchmarkResult;
import io.raidvm.api.agent.v1.BootGrpc;
import io.raidvm.api.agent.v1.ConfigChange;
import io.raidvm.api.agent.v1.PersistArrayRequest;
import io.raidvm.api.agent.v1.DisksGrpc;
import io.raidvm.api.agent.v1.GetOperationRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.OperationsGrpc;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.agent.v1.SetSyncActionRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands for a VM's agent, against stand-ins of its services. */
class AgentCallTest {

  @TempDir
  Path dir;
  private StandIn controller;
  private final List<AddFstabEntryRequest> fstab = new ArrayList<>();
  private final List<PersistArrayRequest> persisted = new ArrayList<>();
  private Raidctl raidctl;

  private static final Operation CHECK = Operation.newBuilder().setId("op-7").setKind("check")
      .setTarget("md127").setState(Operation.State.RUNNING).build();

  @BeforeEach
  void start() throws Exception {
    RaidGrpc.RaidImplBase raid = new RaidGrpc.RaidImplBase() {
      @Override
      public void setSyncAction(SetSyncActionRequest req, StreamObserver<Operation> obs) {
        obs.onNext(CHECK);
        obs.onCompleted();
      }
    };
    OperationsGrpc.OperationsImplBase ops = new OperationsGrpc.OperationsImplBase() {
      @Override
      public void waitOperation(GetOperationRequest req, StreamObserver<Operation> obs) {
        obs.onNext(CHECK.toBuilder().setProgress(Progress.newBuilder().setPhase("check")
            .setPercent(50)).build());
        obs.onNext(CHECK.toBuilder().setState(Operation.State.SUCCEEDED).setArray(Array
            .newBuilder().setName("md127").setDevice("/dev/md127").setMismatchCount(0)).build());
        obs.onCompleted();
      }
    };
    DisksGrpc.DisksImplBase disks = new DisksGrpc.DisksImplBase() {
      @Override
      public void benchmark(BenchmarkRequest req, StreamObserver<BenchmarkResult> obs) {
        obs.onNext(BenchmarkResult.newBuilder().setDevice("/dev/disk/by-id/" + req.getDevice())
            .setCachedReadMbPerS(9000).setBufferedReadMbPerS(300).build());
        obs.onCompleted();
      }
    };
    BootGrpc.BootImplBase boot = new BootGrpc.BootImplBase() {
      @Override
      public void addFstabEntry(AddFstabEntryRequest req, StreamObserver<ConfigChange> obs) {
        fstab.add(req);
        obs.onNext(ConfigChange.newBuilder().setPath("/etc/fstab").setLine("UUID=1 "
            + req.getMountPoint() + " ext4 " + req.getOptions() + " 0 2").build());
        obs.onCompleted();
      }

      @Override
      public void persistArray(PersistArrayRequest req, StreamObserver<ConfigChange> obs) {
        persisted.add(req);
        obs.onNext(ConfigChange.newBuilder().setPath("/etc/mdadm/mdadm.conf")
            .setLine("ARRAY /dev/md127 UUID=1").setChanged(true)
            .setBackupPath("/etc/mdadm/mdadm.conf.raidvm-bak.20260102-030405.006")
            .addReplacedLines("ARRAY /dev/md127 UUID=2").build());
        obs.onCompleted();
      }
    };
    controller = new StandIn(dir.resolve("c.sock"), raid, ops, disks, boot);
    raidctl = new Raidctl(dir.resolve("c.sock"));
  }

  @AfterEach
  void stop() throws Exception {
    controller.close();
  }

  @Test
  void check_followsTheOperationToItsEnd() {
    assertEquals(0, raidctl.run("raid", "check", "vm1", "md127"));
    assertEquals(List.of("SetSyncAction", "WaitOperation"), controller.calls);
    assertTrue(raidctl.out.toString().startsWith("[check md127] check 50.0%\n"
        + "[check md127] done\narray:"), raidctl.out.toString());
  }

  @Test
  void check_noWait_saysHowToFollowIt_andReturns() {
    assertEquals(0, raidctl.run("raid", "check", "vm1", "md127", "--no-wait"));
    assertEquals(List.of("SetSyncAction"), controller.calls);
    assertEquals("started check md127: operation op-7 (follow it: raidctl op wait vm1 op-7)\n",
        raidctl.out.toString());
  }

  @Test
  void check_json_printsEachStateOfTheOperationAsOneLine() throws Exception {
    assertEquals(0, raidctl.run("raid", "check", "vm1", "md127", "-o", "json"));
    List<Operation> states = new ArrayList<>();
    for (String line : raidctl.out.toString().split("\n")) {
      Operation.Builder op = Operation.newBuilder();
      JsonFormat.parser().merge(line, op);
      states.add(op.build());
    }
    assertEquals(List.of(Operation.State.RUNNING, Operation.State.SUCCEEDED),
        states.stream().map(Operation::getState).toList());
    assertEquals("md127", states.get(1).getArray().getName());
  }

  @Test
  void benchOfSeveralDevices_json_printsOneResultALine() throws Exception {
    assertEquals(0, raidctl.run("blk", "bench", "vm1", "d1", "d2", "-o", "json"));
    String[] lines = raidctl.out.toString().split("\n");
    assertEquals(2, lines.length, raidctl.out.toString());
    BenchmarkResult.Builder second = BenchmarkResult.newBuilder();
    JsonFormat.parser().merge(lines[1], second);
    assertEquals("/dev/disk/by-id/d2", second.getDevice());
  }

  @Test
  void fstab_takesMountOptionsAsMountDoes() {
    assertEquals(0, raidctl.run("fs", "fstab", "vm1", "md127", "/mnt/md127", "-O",
        "defaults,noatime", "--options", "nofail"));
    assertEquals("defaults,noatime,nofail", fstab.get(0).getOptions());
    assertEquals("/etc/fstab: already says UUID=1 /mnt/md127 ext4 defaults,noatime,nofail 0 2\n",
        raidctl.out.toString());
  }

  @Test
  void persist_replaceStale_asksForIt_andPrintsWhatWasReplaced() {
    assertEquals(0, raidctl.run("raid", "persist", "vm1", "md127", "--replace-stale"));

    assertTrue(persisted.get(0).getReplaceStale());
    assertEquals("/etc/mdadm/mdadm.conf: wrote ARRAY /dev/md127 UUID=1 (previous version:"
        + " /etc/mdadm/mdadm.conf.raidvm-bak.20260102-030405.006)\n"
        + "  replaced: ARRAY /dev/md127 UUID=2\n", raidctl.out.toString());
  }

  @Test
  void noWait_onACommandThatStartsNoOperation_isBadInput() {
    assertEquals(2, raidctl.run("raid", "show", "vm1", "md127", "--no-wait"));
    assertTrue(raidctl.err.toString().contains("Unknown option: '--no-wait'"),
        raidctl.err.toString());
    assertEquals(List.of(), controller.calls);
  }
}
