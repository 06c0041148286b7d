package io.raidvm.cli.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.api.controller.v1.DrillEvent;
import io.raidvm.api.controller.v1.DrillOutcome;
import io.raidvm.api.controller.v1.DrillReport;
import io.raidvm.api.controller.v1.DrillRequest;
import io.raidvm.api.controller.v1.DrillServiceGrpc;
import io.raidvm.api.controller.v1.FaultKind;
import io.raidvm.cli.Raidctl;
import io.raidvm.common.grpc.UnixSocketServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** raidctl drill against a stand-in DrillService on a real Unix socket. */
class DrillCommandTest {

  @TempDir
  Path dir;

  private UnixSocketServer server;
  private final List<DrillRequest> received = new ArrayList<>();
  private DrillReport report;
  private Raidctl raidctl;

  @BeforeEach
  void startStandIn() throws Exception {
    var service = new DrillServiceGrpc.DrillServiceImplBase() {
      @Override
      public void drill(DrillRequest req, StreamObserver<DrillEvent> obs) {
        received.add(req);
        obs.onNext(DrillEvent.newBuilder().setStep("fault").setMessage("pulled disk d3").build());
        obs.onNext(DrillEvent.newBuilder().setStep("rebuild").setMessage("recover 40.0 %")
            .setProgress(Progress.newBuilder().setPhase("recover").setPercent(40)).build());
        obs.onNext(DrillEvent.newBuilder().setMessage("report").setReport(report).build());
        obs.onCompleted();
      }
    };
    server = new UnixSocketServer(dir.resolve("c.sock"), List.of(service.bindService()),
        Duration.ofSeconds(10)).start();
    raidctl = new Raidctl(dir.resolve("c.sock"));
    report = DrillReport.newBuilder().setVm("vm1").setArray("md127").setLevel("raid5")
        .setFault(FaultKind.PULL).setDisk("d3").setMember("/dev/sdd1").setDetectedBy("FAIL")
        .setDetectionLatency(Durations.fromMillis(280)).setNewDisk("d3-drill")
        .setRebuildTime(Durations.fromMillis(11_600)).setRebuildMibPerS(5.2)
        .setMemberSizeBytes(60L << 20).setScrubbed(true).setFilesIntact(true)
        .setFilesWritten(3).setOutcome(DrillOutcome.SURVIVED).setArrayState("clean")
        .setArraySummary("clean: 3 of 3").setNextSteps("SURVIVED: md127 is whole again")
        .setDuration(Durations.fromSeconds(40)).build();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop(Duration.ofSeconds(1));
  }

  @Test
  void flags_becomeTheRequest_andTheReportIsATable() {
    assertEquals(0, raidctl.run("drill", "vm1", "md127", "--disk", "d3", "--second-fault",
        "--rebuild-speed-max", "1000", "--file-size", "1M", "--yes"));
    DrillRequest r = received.get(0);
    assertEquals("d3", r.getDisk());
    assertTrue(r.getSecondFault());
    assertEquals(1000, r.getRebuildSpeedMaxKibPerS());
    assertEquals(1 << 20, r.getFileSizeBytes());
    assertEquals(FaultKind.PULL, r.getFault());
    String out = raidctl.out.toString();
    assertTrue(out.contains("fault: pulled disk d3"), out);
    assertTrue(out.contains("FAIL after 0.28 s"), out);
    assertTrue(out.contains("11.60 s onto d3-drill, 5.20 MiB/s (60 MiB per member)"), out);
    assertTrue(out.contains("yes (3 written)"), out);
  }

  @Test
  void aDataLossReport_exitsNonZero_namingTheFiles() {
    report = report.toBuilder().setOutcome(DrillOutcome.DATA_LOSS).setFilesIntact(false)
        .clearRebuildTime().setScrubbed(false).addFailedFiles("/mnt/md127/raidvm-drill-1-1")
        .setNextSteps("DATA LOSS: disk d1 was pulled while d3-drill was rebuilding").build();
    assertEquals(1, raidctl.run("drill", "vm1", "md127", "--second-fault", "--yes"));
    String out = raidctl.out.toString();
    assertTrue(out.contains("DATA LOSS"), out);
    assertTrue(out.contains("NO (3 written, failed: /mnt/md127/raidvm-drill-1-1)"), out);
    assertTrue(out.contains("did not finish"), out);
    assertTrue(raidctl.err.toString().contains("the drill ended in data loss"),
        raidctl.err.toString());
  }

  @Test
  void jsonOutput_isTheReport() {
    assertEquals(0, raidctl.run("drill", "vm1", "md127", "-o", "json", "--yes"));
    String out = raidctl.out.toString();
    assertTrue(out.contains("\"outcome\": \"SURVIVED\"") && !out.contains("pulled disk d3"),
        out);
  }

  @Test
  void aCorruptionReport_showsWhatTheCheckFound_andTheRepair() {
    report = report.toBuilder().setFault(FaultKind.CORRUPT).setDetectedBy("check")
        .setMismatchesFound(128).setDetectionLatency(Durations.fromSeconds(20))
        .setRebuildTime(Durations.fromSeconds(21)).clearNewDisk().build();
    assertEquals(0, raidctl.run("drill", "vm1", "md127", "--fault", "corrupt", "--yes"));
    assertEquals(FaultKind.CORRUPT, received.get(0).getFault());
    String out = raidctl.out.toString();
    assertTrue(out.contains("corruption of d3 (/dev/sdd1)"), out);
    assertTrue(out.contains("check: 128 mismatched sectors (20.00 s)"), out);
    assertTrue(out.contains("repair") && out.contains("21.00 s"), out);
  }

  @Test
  void anUnknownFault_isABadArgument() {
    assertEquals(2, raidctl.run("drill", "vm1", "md127", "--fault", "melt", "--yes"));
    assertTrue(received.isEmpty());
  }
}
