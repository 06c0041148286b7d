package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GetMdstatRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.ListArraysRequest;
import io.raidvm.api.agent.v1.RaidGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Not a test: measures, in a real VM with a synced RAID 5 of four 64 MiB disks, how long the
 * status calls take through the controller's socket (a plain gRPC client, as any would be):
 * GetArray as the agent answers it now (the kernel's files) and as it answered before (mdadm
 * --detail, {@code from_mdadm}), ListArrays, GetMdstat and GetInfo; 50 rounds of one call each
 * after 5 rounds to warm up, p50 and p95. Then how the agent's JVM warms up: the kernel-file
 * calls go on, 50 rounds at a time, to {@code -Draidvm.bench.warm.rounds} (600), and each
 * window's p50 and p95 is printed — the guest's C1 compiles a call's path only once it ran a
 * few hundred times. Named so that CI's *IT run skips it; run it with scripts/bench-status.
 */
class StatusBenchmark {

  private static final int CALLS = 50;
  private static final int WARM_UP = 5;
  private static final int WARM_ROUNDS = Integer.getInteger("raidvm.bench.warm.rounds", 600);
  private static final int WINDOW = 50;
  private static final List<String> DISKS = List.of("s1", "s2", "s3", "s4");

  @Test
  void statusCallLatency() throws Exception {
    try (RaidVm vm = RaidVm.boot("status", DISKS, "64M")) {
      vm.await(vm.raid().createArray(CreateArrayRequest.newBuilder().setArray("md127")
          .setLevel("raid5").setChunkKib(512).setMetadata("1.0").setBitmap(Bitmap.BITMAP_NONE)
          .addAllDevices(DISKS.stream().map(d -> d + "-part1").toList()).build()));
      GetArrayRequest kernel = GetArrayRequest.newBuilder().setArray("md127").build();
      GetArrayRequest mdadm = kernel.toBuilder().setFromMdadm(true).build();
      assertEquals(raid(vm).getArray(mdadm), raid(vm).getArray(kernel),
          "the two answers of an idle array are one");

      Map<String, Runnable> calls = new LinkedHashMap<>();
      calls.put("Raid.GetArray md127 (kernel files)", () -> raid(vm).getArray(kernel));
      String fromMdadm = "Raid.GetArray md127 from_mdadm (as before)";
      calls.put(fromMdadm, () -> raid(vm).getArray(mdadm));
      calls.put("Raid.ListArrays",
          () -> raid(vm).listArrays(ListArraysRequest.getDefaultInstance()));
      calls.put("Raid.GetMdstat",
          () -> raid(vm).getMdstat(GetMdstatRequest.getDefaultInstance()));
      calls.put("GuestAgent.GetInfo", () -> vm.stubs.agent(vm.name,
          GuestAgentGrpc::newBlockingStub).getInfo(GetInfoRequest.getDefaultInstance()));
      List<String> lines = measure(calls);
      System.out.println("---- status calls through the controller, " + CALLS + " each ----");
      lines.forEach(System.out::println);

      calls.remove(fromMdadm);
      System.out.println("---- as the agent's JVM warms up: p50/p95 ms of each window of "
          + WINDOW + " rounds, counted from the first call ----");
      for (int done = WARM_UP + CALLS; done + WINDOW <= WARM_ROUNDS; done += WINDOW) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "rounds %4d-%4d",
            done, done + WINDOW));
        Latencies.measure(calls, 0, WINDOW).forEach((what, sorted) -> line.append(
            String.format(Locale.ROOT, "  %s %.1f/%.1f", what.replaceAll(" .*", ""),
                Latencies.percentile(sorted, 50), Latencies.percentile(sorted, 95))));
        System.out.println(line);
      }
    }
  }

  private static RaidGrpc.RaidBlockingStub raid(RaidVm vm) {
    return vm.stubs.agent(vm.name, RaidGrpc::newBlockingStub);
  }

  private static List<String> measure(Map<String, Runnable> calls) {
    List<String> lines = new ArrayList<>();
    Latencies.measure(calls, WARM_UP, CALLS).forEach((what, sorted) ->
      lines.add(String.format(Locale.ROOT, "%-45s p50 %7.1f ms  p95 %7.1f ms  max %7.1f ms",
          what, Latencies.percentile(sorted, 50), Latencies.percentile(sorted, 95),
          sorted.get(sorted.size() - 1))));
    return lines;
  }

}
