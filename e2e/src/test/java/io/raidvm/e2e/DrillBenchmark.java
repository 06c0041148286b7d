package io.raidvm.e2e;

import io.raidvm.api.controller.v1.DrillReport;
import io.raidvm.api.controller.v1.DrillRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Not a test: the drill's two numbers over several runs of the controller's Drill in one real
 * VM — how long md takes to say anything after a member's disk is pulled from the host, and how
 * fast a new disk file is rebuilt into the RAID 5. Named so that CI's *IT run skips it; run it with scripts/bench-drill
 * (-Ddrill.runs=N, default 5).
 */
class DrillBenchmark {

  @Test
  void pullDetectionLatency_andRebuildRate() throws Exception {
    int runs = Integer.getInteger("drill.runs", 5);
    try (RaidVm vm = RaidVm.boot("benchdrill", List.of(), "64M")) {
      Raid5Drill drill = new Raid5Drill(vm);
      drill.create(List.of("r1", "r2", "r3"));
      List<Double> detection = new ArrayList<>();
      List<Double> rate = new ArrayList<>();
      String member = "r2";
      for (int run = 1; run <= runs; run++) {
        String next = "n" + run;
        DrillReport r = drill.drill(DrillRequest.newBuilder().setDisk(member).setNewDisk(next)
            .setFileCount(1).setFileSizeBytes(1 << 20)).report();
        double seconds = r.getDetectionLatency().getSeconds()
            + r.getDetectionLatency().getNanos() / 1e9;
        System.out.printf(Locale.ROOT, "run %d: pulled %s, md said %s after %.2f s; %s rebuilt"
            + " in %d s (%d MiB per member, %.2f MiB/s); %s%n", run, member, r.getDetectedBy(),
            seconds, next, r.getRebuildTime().getSeconds(), r.getMemberSizeBytes() >> 20,
            r.getRebuildMibPerS(), r.getOutcome());
        detection.add(seconds);
        rate.add(r.getRebuildMibPerS());
        member = next;
      }
      report("detection latency (pull -> first md event at a host client), s", detection);
      report("rebuild rate (attach, partition, add, recovery), MiB/s per member", rate);
    }
  }

  private static void report(String what, List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    System.out.printf(Locale.ROOT, "%s over %d runs: min %.2f, median %.2f, max %.2f%n", what,
        sorted.size(), sorted.get(0), sorted.get(sorted.size() / 2),
        sorted.get(sorted.size() - 1));
  }
}
