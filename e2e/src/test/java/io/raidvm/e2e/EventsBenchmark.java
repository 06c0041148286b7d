package io.raidvm.e2e;

import io.raidvm.api.agent.v1.AddMemberRequest;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.MemberRequest;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.e2e.EventStream.Received;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Not a test: measures, in a real VM, how long a member failure takes to reach a host client of
 * WatchVm, and what the agent costs in CPU while nothing happens. Named so that CI's *IT run skips
 * it; run it with scripts/bench-events.
 */
class EventsBenchmark {

  private static final int ROUNDS = 20;
  private static final Duration IDLE = Duration.ofSeconds(30);
  private static final int IDLE_WINDOWS = 6;
  private static final Duration SOON = Duration.ofMinutes(1);

  private static Predicate<WatchEvent> md(MdEvent.Kind kind) {
    return e -> e.hasMd() && e.getMd().getKind() == kind && e.getMd().getArray().equals("md0");
  }

  @Test
  void failToEventLatency_andIdleAgentCpu() throws Exception {
    try (RaidVm vm = RaidVm.boot("bench", List.of("b1", "b2"), "64M");
        EventStream watch = vm.watch("", 0)) {
      // Waits on the operations, not on Rebuild* events: a 64 MiB mirror may sync before the
      // agent has armed the new array's files, and then no Rebuild* event is seen.
      vm.await(vm.raid().createArray(CreateArrayRequest.newBuilder().setArray("md0")
          .setLevel("raid1").setBitmap(Bitmap.BITMAP_NONE).addDevices("b1-part1")
          .addDevices("b2-part1").build()));

      List<Double> fromSent = new ArrayList<>();
      List<Double> callTook = new ArrayList<>();
      MemberRequest member = MemberRequest.newBuilder().setArray("md0").setDevice("b2-part1")
          .build();
      for (int round = 0; round < ROUNDS; round++) {
        long sent = System.nanoTime();
        vm.raid().failMember(member);
        callTook.add((System.nanoTime() - sent) / 1e6);
        List<Received> read = watch.until(md(MdEvent.Kind.FAIL), SOON);
        long arrived = read.get(read.size() - 1).nanos();
        fromSent.add((arrived - sent) / 1e6);
        vm.raid().removeMember(member);
        vm.await(vm.raid().addMember(AddMemberRequest.newBuilder().setArray("md0")
            .setDevice("b2-part1").build()));
      }
      // The event usually arrives before the FailMember call returns (which also reads the
      // array back), so the latency is measured from the moment the call is sent.
      report("FailMember sent -> Fail event at host client", fromSent);
      // The call's own time: mdadm --fail in the guest (a process start under TCG), then the
      // array read back; the part of the latency that is md's change, not its event.
      report("FailMember sent -> its answer", callTook);

      // In windows, so that what the rounds leave behind shows apart from what idling costs
      // for good.
      long start = agentCpuMillis(vm);
      long before = start;
      for (int window = 1; window <= IDLE_WINDOWS; window++) {
        Thread.sleep(IDLE.toMillis());
        long after = agentCpuMillis(vm);
        System.out.printf(Locale.ROOT, "agent CPU time over idle seconds %d-%d: %d ms (%.2f%% of"
            + " one core)%n", (window - 1) * IDLE.toSeconds(), window * IDLE.toSeconds(),
            after - before, (after - before) * 100.0 / IDLE.toMillis());
        before = after;
      }
      System.out.printf(Locale.ROOT, "agent CPU time over %d idle seconds: %d ms (%.2f%% of one"
          + " core)%n", IDLE.toSeconds() * IDLE_WINDOWS, before - start,
          (before - start) * 100.0 / (IDLE.toMillis() * IDLE_WINDOWS));
    }
  }

  private static long agentCpuMillis(RaidVm vm) {
    return vm.stubs.agent(vm.name, GuestAgentGrpc::newBlockingStub)
        .getInfo(GetInfoRequest.getDefaultInstance()).getAgent().getCpuMillis();
  }

  private static void report(String what, List<Double> millis) {
    List<Double> sorted = millis.stream().sorted().toList();
    System.out.printf(Locale.ROOT, "%s over %d rounds: median %.1f ms, p95 %.1f ms, max %.1f ms%n",
        what, sorted.size(), Latencies.percentile(sorted, 50),
        Latencies.percentile(sorted, 95), sorted.get(sorted.size() - 1));
  }
}
