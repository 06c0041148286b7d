package io.raidvm.e2e;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.raidvm.api.agent.v1.AddMemberRequest;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GetMdstatRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.MemberRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.SetSyncActionRequest;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.controller.v1.AuditEntry;
import io.raidvm.api.controller.v1.AuditServiceGrpc;
import io.raidvm.api.controller.v1.ListAuditRequest;
import io.raidvm.e2e.EventStream.Received;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Not a test: measures, in a real VM, how long a member failure and the start of a check take to
 * reach a host client of WatchVm, and what the agent costs in CPU while nothing happens. Named so that CI's *IT run skips
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

      // An md change that starts no process in the guest: SetSyncAction CHECK writes md's
      // sync_action file, md starts the pass, and the agent's poll wakes. From the call sent to
      // the RebuildStarted event is then the call's way in, the agent's checks before the write,
      // md's start of the pass and the event's whole way out: an upper bound of the path from
      // md's change to a host client. A GetMdstat round trip in each round is the transport's
      // share, both ways.
      List<Double> checkFromSent = new ArrayList<>();
      List<Double> checkCallTook = new ArrayList<>();
      List<Double> roundTrip = new ArrayList<>();
      List<Timestamp> eventTimes = new ArrayList<>();
      SetSyncActionRequest check = SetSyncActionRequest.newBuilder().setArray("md0")
          .setAction(SetSyncActionRequest.Action.CHECK).build();
      for (int round = 0; round < ROUNDS; round++) {
        long asked = System.nanoTime();
        vm.raid().getMdstat(GetMdstatRequest.getDefaultInstance());
        roundTrip.add((System.nanoTime() - asked) / 1e6);
        long sent = System.nanoTime();
        Operation pass = vm.raid().setSyncAction(check);
        checkCallTook.add((System.nanoTime() - sent) / 1e6);
        List<Received> read = watch.until(md(MdEvent.Kind.REBUILD_STARTED)
            .and(e -> e.getMd().getSyncAction().equals("check")), SOON);
        checkFromSent.add((read.get(read.size() - 1).nanos() - sent) / 1e6);
        eventTimes.add(read.get(read.size() - 1).event().getTime());
        vm.await(pass);
      }
      report("SetSyncAction(check) sent -> RebuildStarted(check) at host client", checkFromSent);
      report("SetSyncAction(check) sent -> its answer", checkCallTook);
      report("GetMdstat round trip", roundTrip);
      // Inside the guest, on its own clock: from the call's start at the agent (its audit line)
      // to the event's publication (its time): the agent's checks, the write, md's start of the
      // pass, the poll's wake-up, the read of md's state and the events derived from it. The rest
      // of the latency is the way in and the way out, through the controller.
      List<AuditEntry> calls = AuditServiceGrpc.newBlockingStub(vm.channel)
          .listAudit(ListAuditRequest.newBuilder().setVm(vm.name).setLimit(1000).build())
          .getEntriesList().stream()
          .filter(e -> e.getOrigin().equals("agent")
              && e.getRpc().equals("raidvm.agent.v1.Raid/SetSyncAction"))
          .toList();
      List<AuditEntry> last = calls.subList(calls.size() - ROUNDS, calls.size());
      List<Double> inGuest = new ArrayList<>();
      List<Double> outside = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        double guest = Timestamps.toMillis(eventTimes.get(round))
            - Timestamps.toMillis(last.get(round).getTime());
        inGuest.add(guest);
        outside.add(checkFromSent.get(round) - guest);
      }
      report("in the guest: SetSyncAction at the agent -> RebuildStarted published", inGuest);
      report("the rest: ways in and out, through the controller", outside);

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
