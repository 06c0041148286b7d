package io.raidvm.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Not a test: the drill's two numbers over several runs in one real VM — how long md takes to
 * say anything after a member's disk is pulled from the host, and how fast a new disk file is
 * rebuilt into the RAID 5. Named so that CI's *IT run skips it; run it with scripts/bench-drill
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
        Raid5Drill.Detection seen = drill.pull(member);
        drill.awaitDegraded();
        String next = "n" + run;
        Raid5Drill.Rebuild rebuild = drill.replace(member + "-part1", next);
        System.out.printf(Locale.ROOT, "run %d: pulled %s, md said %s after %.2f s; %s rebuilt"
            + " in %.1f s (%d MiB per member, %.2f MiB/s)%n", run, member, seen.kind(),
            seen.seconds(), next, rebuild.seconds(), rebuild.memberMib(),
            rebuild.mibPerSecond());
        detection.add(seen.seconds());
        rate.add(rebuild.mibPerSecond());
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
