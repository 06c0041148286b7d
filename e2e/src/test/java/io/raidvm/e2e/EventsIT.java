package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpServer;
import io.raidvm.api.agent.v1.AddMemberRequest;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.MemberRequest;
import io.raidvm.api.agent.v1.SetSyncSpeedLimitRequest;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.controller.v1.AddAlertRuleRequest;
import io.raidvm.api.controller.v1.Alert;
import io.raidvm.api.controller.v1.AlertKind;
import io.raidvm.api.controller.v1.AlertRule;
import io.raidvm.api.controller.v1.ListAlertRulesRequest;
import io.raidvm.api.controller.v1.ListScrubHistoryRequest;
import io.raidvm.api.controller.v1.ScrubRun;
import io.raidvm.api.controller.v1.ScrubSchedule;
import io.raidvm.api.controller.v1.SetScrubScheduleRequest;
import io.raidvm.e2e.EventStream.Received;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Live md events through the controller's WatchVm, in a real VM: a RAID 5 made, synced, degraded
 * and rebuilt, watched by a host client that goes away in between and resumes without a gap. On
 * the synced array, a scrub scheduled for the next minute runs and lands in the history, and the
 * failed member reaches an alert rule's webhook (an HTTP server of the test). Then the
 * controller's metrics of that array, scraped by a real Prometheus server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventsIT {

  private static final List<String> DISKS = List.of("e1", "e2", "e3", "e4");
  private static final Duration SYNC = Duration.ofMinutes(20);
  private static final Duration SOON = Duration.ofMinutes(1);
  private RaidVm vm;
  private int metricsPort;

  @BeforeAll
  void bootTheVm() throws Exception {
    try (ServerSocket free = new ServerSocket(0)) {
      metricsPort = free.getLocalPort();
    }
    // 256 MiB: the syncs last long enough under TCG for their start and progress to be seen
    // (a sync that ends before the agent has armed the new array's files shows no Rebuild*).
    vm = RaidVm.boot("events", DISKS, "256M",
        List.of("--metrics-listen", "127.0.0.1:" + metricsPort));
  }

  @AfterAll
  void stopTheVm() throws Exception {
    vm.close();
  }

  private static Predicate<WatchEvent> md(MdEvent.Kind kind) {
    return e -> e.hasMd() && e.getMd().getKind() == kind && e.getMd().getArray().equals("md127");
  }

  private static List<WatchEvent> events(List<Received> received) {
    return received.stream().map(Received::event).toList();
  }

  private static List<MdEvent.Kind> kinds(List<WatchEvent> events) {
    return events.stream().filter(WatchEvent::hasMd).map(e -> e.getMd().getKind()).toList();
  }

  /**
   * A schedule for every minute (cron has minute resolution; the controller looks every 5 s):
   * the first run starts within a minute and ends in the history, then the schedule is turned off.
   */
  private void scheduledScrub_runsAndLandsInTheHistory() throws Exception {
    ScrubSchedule set = vm.stubs.scrubs().setScrubSchedule(SetScrubScheduleRequest.newBuilder()
        .setVm(vm.name).setArray("md127").setCron("* * * * *").setTimeZone("UTC").build());
    assertTrue(set.hasNextRun(), set.toString());
    ListScrubHistoryRequest history = ListScrubHistoryRequest.newBuilder().setVm(vm.name)
        .setArray("md127").build();
    Instant deadline = Instant.now().plus(SYNC);
    List<ScrubRun> runs = List.of();
    while (Instant.now().isBefore(deadline)) {
      runs = vm.stubs.scrubs().listScrubHistory(history).getRunsList();
      if (!runs.isEmpty()) {
        break;
      }
      Thread.sleep(1000);
    }
    assertFalse(runs.isEmpty(), "a scheduled run within " + SYNC);
    vm.stubs.scrubs().setScrubSchedule(SetScrubScheduleRequest.newBuilder().setVm(vm.name)
        .setArray("md127").setCron("off").build());
    ScrubRun first = runs.get(0);
    assertEquals("schedule", first.getTrigger(), first.toString());
    while (Instant.now().isBefore(deadline)) {
      first = vm.stubs.scrubs().listScrubHistory(history).getRuns(0);
      if (first.getResult() != ScrubRun.Result.RUNNING) {
        break;
      }
      Thread.sleep(1000);
    }
    assertEquals(ScrubRun.Result.CLEAN, first.getResult(), first.toString());
    assertTrue(first.hasEnded() && first.getDurationMs() > 0, first.toString());
    assertFalse(first.getOperationId().isEmpty(), first.toString());
    System.out.println("scrub history: " + vm.stubs.scrubs().listScrubHistory(history));
  }

  @Test
  @Order(1)
  void mdEvents_arriveAsTheyHappen_andAResumedWatchMissesNothing() throws Exception {
    WatchEvent last;
    try (EventStream watch = vm.watch("", 0)) {
      assertTrue(watch.until(e -> true, SOON).get(0).event().hasSnapshot(), "first a snapshot");

      vm.raid().createArray(CreateArrayRequest.newBuilder().setArray("md127").setLevel("raid5")
          .setBitmap(Bitmap.BITMAP_NONE)
          .addAllDevices(DISKS.stream().map(d -> d + "-part1").toList()).build());
      // Capped, the sync lasts over half a minute however fast the machine: the poller samples
      // it once a second, so several progress events come.
      vm.raid().setSyncSpeedLimit(SetSyncSpeedLimitRequest.newBuilder().setArray("md127")
          .setMaxKibPerS(8000).build());
      List<WatchEvent> sync = events(watch.until(md(MdEvent.Kind.REBUILD_FINISHED), SYNC));
      List<MdEvent.Kind> kinds = kinds(sync);
      assertTrue(kinds.indexOf(MdEvent.Kind.NEW_ARRAY) >= 0, kinds.toString());
      assertTrue(kinds.indexOf(MdEvent.Kind.NEW_ARRAY)
          < kinds.indexOf(MdEvent.Kind.REBUILD_STARTED), kinds.toString());
      List<Double> percents = sync.stream().filter(md(MdEvent.Kind.REBUILD_PROGRESS))
          .map(e -> e.getMd().getSync().getPercent()).toList();
      assertTrue(percents.size() >= 2, "several progress events: " + percents);
      for (int i = 1; i < percents.size(); i++) {
        assertTrue(percents.get(i) >= percents.get(i - 1), "percent rises: " + percents);
      }
      assertTrue(percents.get(percents.size() - 1) > percents.get(0), percents.toString());

      scheduledScrub_runsAndLandsInTheHistory();
      BlockingQueue<String> posted = new LinkedBlockingQueue<>();
      HttpServer hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      hooks.createContext("/raid", exchange -> {
        posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
      });
      hooks.start();
      try {
        vm.stubs.alerts().addAlertRule(AddAlertRuleRequest.newBuilder().setRule(AlertRule
            .newBuilder().setName("ops").setVm(vm.name).addKinds(AlertKind.FAIL).setWebhook(
                "http://127.0.0.1:" + hooks.getAddress().getPort() + "/raid")).build());

        vm.raid().failMember(MemberRequest.newBuilder().setArray("md127")
            .setDevice("e3-part1").build());

        String body = posted.poll(SOON.toSeconds(), TimeUnit.SECONDS);
        assertTrue(body != null, "the webhook got the failure within " + SOON);
        System.out.println("webhook received: " + body);
        Alert.Builder alert = Alert.newBuilder();
        JsonFormat.parser().merge(body, alert);
        assertEquals(AlertKind.FAIL, alert.getKind(), body);
        assertEquals("md127", alert.getArray(), body);
        assertEquals(vm.name, alert.getVm(), body);
        // The handler above wakes this thread before it answers, and the controller writes the
        // delivery down once the answer is in: a moment later.
        AlertRule rule = Checks.eventually(SOON, () -> {
          AlertRule r = vm.stubs.alerts().listAlertRules(ListAlertRulesRequest
              .getDefaultInstance()).getRules(0);
          if (r.getDeliveriesCount() == 0) {
            throw new IllegalStateException("no delivery recorded: " + r);
          }
          return r;
        });
        assertTrue(rule.getDeliveries(0).getOk(), rule.toString());
      } finally {
        hooks.stop(0);
      }
      Set<MdEvent.Kind> seen = EnumSet.noneOf(MdEvent.Kind.class);
      List<WatchEvent> failed = events(watch.until(e -> {
        if (e.hasMd() && e.getMd().getArray().equals("md127")) {
          seen.add(e.getMd().getKind());
        }
        return seen.containsAll(Set.of(MdEvent.Kind.FAIL, MdEvent.Kind.DEGRADED_ARRAY));
      }, SOON));
      last = failed.get(failed.size() - 1);
    }

    vm.raid().removeMember(MemberRequest.newBuilder().setArray("md127").setDevice("e3-part1")
        .build());
    vm.await(vm.raid().addMember(AddMemberRequest.newBuilder().setArray("md127")
        .setDevice("e3-part1").build()));

    try (EventStream resumed = vm.watch(last.getEpoch(), last.getSequence())) {
      // Up to the end of the recovery that the add started (md may also start and at once end
      // a recovery of its own right after the failure, when it finds no spare).
      Set<MdEvent.Kind> sinceAdd = EnumSet.noneOf(MdEvent.Kind.class);
      List<WatchEvent> missed = events(resumed.until(e -> {
        if (e.hasMd() && e.getMd().getKind() == MdEvent.Kind.DEVICE_ADDED) {
          sinceAdd.add(MdEvent.Kind.DEVICE_ADDED);
        } else if (e.hasMd() && !sinceAdd.isEmpty()) {
          sinceAdd.add(e.getMd().getKind());
        }
        return sinceAdd.contains(MdEvent.Kind.REBUILD_FINISHED);
      }, SYNC));
      assertFalse(missed.get(0).hasSnapshot(), "no gap: " + missed.get(0));
      for (int i = 0; i < missed.size(); i++) {
        assertEquals(last.getSequence() + 1 + i, missed.get(i).getSequence(),
            "in order, none lost");
        assertEquals(last.getEpoch(), missed.get(i).getEpoch());
      }
      List<MdEvent.Kind> kinds = kinds(missed);
      assertTrue(kinds.contains(MdEvent.Kind.DEVICE_ADDED), kinds.toString());
      assertTrue(kinds.contains(MdEvent.Kind.REBUILD_STARTED), kinds.toString());
    }

    // GetArray reads /proc/mdstat and sysfs; from_mdadm builds the answer from mdadm --detail:
    // they are one answer. Compared once the kernel's answer stands still across mdadm's runs.
    GetArrayRequest kernel = GetArrayRequest.newBuilder().setArray("md127").build();
    GetArrayRequest mdadm = kernel.toBuilder().setFromMdadm(true).build();
    long deadline = System.nanoTime() + SOON.toNanos();
    Array before;
    Array fromMdadm;
    Array after;
    do {
      before = vm.raid().getArray(kernel);
      fromMdadm = vm.raid().getArray(mdadm);
      after = vm.raid().getArray(kernel);
    } while (!before.equals(after) && System.nanoTime() < deadline);
    assertEquals(before, after, "the array stood still within a minute");
    assertEquals(fromMdadm, after);
    assertEquals(List.of("clean"), after.getStatesList());
  }

  /** After the events test: md127 is a RAID 5 of four members, the member added back in it. */
  @Test
  @Order(2)
  void prometheus_scrapesTheArrayTheVmAndTheRpcs() throws Exception {
    try (PrometheusServer prometheus =
        PrometheusServer.scraping("127.0.0.1:" + metricsPort)) {
      String md = "{vm=\"events\",device=\"md127\"}";
      assertEquals("4", prometheus.valueOf("node_md_disks_required" + md, SOON));
      assertEquals("0", prometheus.valueOf(
          "node_md_disks{vm=\"events\",device=\"md127\",state=\"failed\"}", SOON));
      long blocks = Long.parseLong(prometheus.valueOf("node_md_blocks" + md, SOON));
      assertTrue(blocks > 0, "blocks: " + blocks);
      assertEquals("1", prometheus.valueOf(
          "raidvm_vm_state{vm=\"events\",state=\"ready\"}", SOON));
      assertEquals("1", prometheus.valueOf("raidvm_agent_connected{vm=\"events\"}", SOON));
      // The scheduled scrub of the events test ended clean.
      assertEquals("1", prometheus.valueOf("raidvm_scrub_last_result{vm=\"events\","
          + "device=\"md127\",result=\"clean\"}", SOON));
      // The events test failed one member, through the controller's forwarding of agent calls.
      assertEquals("1", prometheus.valueOf("sum(raidvm_rpc_duration_seconds_count{"
          + "method=\"raidvm.agent.v1.Raid/FailMember\",code=\"OK\"})", SOON));
    }
  }
}
