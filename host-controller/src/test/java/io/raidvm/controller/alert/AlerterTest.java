package io.raidvm.controller.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.controller.v1.Alert;
import io.raidvm.api.controller.v1.AlertDelivery;
import io.raidvm.api.controller.v1.AlertKind;
import io.raidvm.api.controller.v1.AlertRule;
import io.raidvm.api.controller.v1.ProgramTarget;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.testing.FolderContents;
import io.raidvm.common.testing.SteppingClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlerterTest {

  @TempDir
  Path state;

  private final SteppingClock clock = new SteppingClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final ScriptedSender sender = new ScriptedSender();

  private Alerter alerter() {
    return new Alerter(state, sender, clock);
  }

  private static AlertRule webhook(String name, AlertKind... kinds) {
    return AlertRule.newBuilder().setName(name).setWebhook("http://127.0.0.1:9/hook")
        .addAllKinds(List.of(kinds)).build();
  }

  private static WatchEvent md(MdEvent.Kind kind, String device) {
    return WatchEvent.newBuilder().setMd(MdEvent.newBuilder().setKind(kind).setArray("md127")
        .setDevice(device).setDegraded(kind == MdEvent.Kind.DEGRADED_ARRAY ? 1 : 0)).build();
  }

  @Test
  void eventsBecomeAlerts_onlyTheKindsThatMatter() {
    assertEquals(AlertKind.FAIL,
        AlertMatcher.alertOf("vm1", md(MdEvent.Kind.FAIL, "/dev/sdc1")).orElseThrow().getKind());
    assertEquals(AlertKind.DEGRADED_ARRAY,
        AlertMatcher.alertOf("vm1", md(MdEvent.Kind.DEGRADED_ARRAY, "")).orElseThrow().getKind());
    assertEquals(AlertKind.DEVICE_DISAPPEARED, AlertMatcher.alertOf("vm1",
        md(MdEvent.Kind.DEVICE_DISAPPEARED, "/dev/sdc1")).orElseThrow().getKind());
    assertTrue(AlertMatcher.alertOf("vm1", md(MdEvent.Kind.REBUILD_PROGRESS, "")).isEmpty());
    assertTrue(AlertMatcher.alertOf("vm1", md(MdEvent.Kind.NEW_ARRAY, "")).isEmpty());
    WatchEvent clean = WatchEvent.newBuilder().setMd(MdEvent.newBuilder()
        .setKind(MdEvent.Kind.REBUILD_FINISHED).setArray("md127").setSyncAction("check")).build();
    assertTrue(AlertMatcher.alertOf("vm1", clean).isEmpty(), "a clean check is no alert");
    Alert mismatches = AlertMatcher.alertOf("vm1", clean.toBuilder().setMd(clean.getMd()
        .toBuilder().setMismatchCount(128)).build()).orElseThrow().build();
    assertEquals(AlertKind.MISMATCHES, mismatches.getKind());
    assertEquals(128, mismatches.getMismatchCount());
    WatchEvent resyncEnd = WatchEvent.newBuilder().setMd(clean.getMd().toBuilder()
        .setSyncAction("resync").setMismatchCount(5)).build();
    assertTrue(AlertMatcher.alertOf("vm1", resyncEnd).isEmpty(), "only checks and repairs");
    assertEquals(AlertKind.AGENT_LOST, AlertMatcher.alertOf("vm1", WatchEvent.newBuilder()
        .setVm(VmEvent.newBuilder().setKind(VmEvent.Kind.AGENT_DISCONNECTED)).build())
        .orElseThrow().getKind());
    assertEquals(AlertKind.VM_CRASHED, AlertMatcher.alertOf("vm1", WatchEvent.newBuilder()
        .setVm(VmEvent.newBuilder().setKind(VmEvent.Kind.CRASHED)).build())
        .orElseThrow().getKind());
  }

  @Test
  void rules_chooseByVmAndKind() {
    Alert fail = Alert.newBuilder().setVm("vm1").setKind(AlertKind.FAIL).build();
    assertTrue(AlertMatcher.wants(webhook("all"), fail));
    assertTrue(AlertMatcher.wants(webhook("fails", AlertKind.FAIL), fail));
    assertFalse(AlertMatcher.wants(webhook("crashes", AlertKind.VM_CRASHED), fail));
    assertFalse(AlertMatcher.wants(webhook("other").toBuilder().setVm("vm2").build(), fail));
    assertFalse(AlertMatcher.wants(webhook("all"), fail.toBuilder().setKind(AlertKind.TEST)
        .build()), "test alerts go only where asked");
  }

  @Test
  void aFailedDelivery_isRetriedWithExponentialBackoff_eachAttemptRecorded() {
    Alerter alerter = alerter();
    alerter.add(webhook("ops"));
    sender.fail(3);
    alerter.accept("vm1", md(MdEvent.Kind.FAIL, "/dev/sdc1"));

    assertEquals(Optional.of(clock.instant().plusSeconds(1)), alerter.deliverDue());
    assertEquals(1, sender.sent.size());
    clock.advance(Duration.ofMillis(999));
    alerter.deliverDue();
    assertEquals(1, sender.sent.size(), "not before its time");
    clock.advance(Duration.ofMillis(1));
    assertEquals(Optional.of(clock.instant().plusSeconds(2)), alerter.deliverDue());
    clock.advance(Duration.ofSeconds(2));
    assertEquals(Optional.of(clock.instant().plusSeconds(4)), alerter.deliverDue());
    clock.advance(Duration.ofSeconds(4));
    assertEquals(Optional.empty(), alerter.deliverDue(), "delivered: nothing pending");

    assertEquals(4, sender.sent.size());
    AlertRule rule = alerter.list().get(0);
    assertEquals(List.of(1, 2, 3, 4), rule.getDeliveriesList().stream()
        .map(AlertDelivery::getAttempt).toList());
    assertEquals(List.of(false, false, false, true), rule.getDeliveriesList().stream()
        .map(AlertDelivery::getOk).toList());
    assertEquals(1, rule.getDeliveredSequence());
  }

  @Test
  void backoff_doublesUpToFiveMinutes() {
    assertEquals(Duration.ofSeconds(1), Alerter.backoff(1));
    assertEquals(Duration.ofSeconds(2), Alerter.backoff(2));
    assertEquals(Duration.ofSeconds(256), Alerter.backoff(9));
    assertEquals(Duration.ofMinutes(5), Alerter.backoff(10));
    assertEquals(Duration.ofMinutes(5), Alerter.backoff(60));
  }

  @Test
  void afterTheLastAttempt_itIsGivenUp_andTheNextAlertGoesOut() {
    Alerter alerter = alerter();
    alerter.add(webhook("ops"));
    sender.fail(Alerter.MAX_ATTEMPTS);
    alerter.accept("vm1", md(MdEvent.Kind.FAIL, "/dev/sdc1"));
    alerter.accept("vm1", md(MdEvent.Kind.DEGRADED_ARRAY, ""));
    for (int i = 0; i < Alerter.MAX_ATTEMPTS; i++) {
      alerter.deliverDue();
      clock.advance(Duration.ofMinutes(5));
    }
    AlertRule rule = alerter.list().get(0);
    AlertDelivery last = rule.getDeliveries(rule.getDeliveriesCount() - 1);
    assertEquals(AlertKind.DEGRADED_ARRAY, last.getKind(), "the next one went out");
    assertTrue(last.getOk());
    AlertDelivery gaveUp = rule.getDeliveries(rule.getDeliveriesCount() - 2);
    assertTrue(gaveUp.getGaveUp());
    assertEquals(Alerter.MAX_ATTEMPTS, gaveUp.getAttempt());
    assertEquals(2, rule.getDeliveredSequence());
  }

  @Test
  void alertsNotYetDelivered_areDeliveredAfterARestart_andDeliveredOnesAreNot() {
    Alerter first = alerter();
    first.add(webhook("ops"));
    first.accept("vm1", md(MdEvent.Kind.FAIL, "/dev/sdc1"));
    first.deliverDue();
    sender.fail(1);
    first.accept("vm1", md(MdEvent.Kind.DEGRADED_ARRAY, ""));
    first.deliverDue(); // fails; the controller dies before the retry
    first.accept("vm1", md(MdEvent.Kind.DEVICE_DISAPPEARED, "/dev/sdc1"));
    sender.sent.clear();

    Alerter second = alerter();
    second.deliverDue();
    assertEquals(List.of(2L, 3L), sender.sent.stream().map(Alert::getSequence).toList());
    assertEquals(List.of(AlertKind.DEGRADED_ARRAY, AlertKind.DEVICE_DISAPPEARED),
        sender.sent.stream().map(Alert::getKind).toList());
    second.accept("vm1", md(MdEvent.Kind.FAIL, "/dev/sdd1"));
    second.deliverDue();
    assertEquals(4, sender.sent.get(2).getSequence(), "numbering goes on");
  }

  @Test
  void aNewRule_getsOnlyLaterAlerts() {
    Alerter alerter = alerter();
    alerter.accept("vm1", md(MdEvent.Kind.FAIL, "/dev/sdc1"));
    alerter.add(webhook("late"));
    alerter.deliverDue();
    assertTrue(sender.sent.isEmpty());
  }

  @Test
  void test_sendsOneTestAlert_andRecordsIt() {
    Alerter alerter = alerter();
    alerter.add(webhook("ops"));
    AlertDelivery d = alerter.test("ops");
    assertTrue(d.getOk());
    assertEquals(AlertKind.TEST, sender.sent.get(0).getKind());
    assertEquals(1, alerter.list().get(0).getDeliveriesCount());
    assertEquals(0, alerter.list().get(0).getDeliveredSequence());
  }

  @Test
  void badRules_areRefused_andChangeNothingOnDisk() {
    Alerter alerter = alerter();
    alerter.add(webhook("ops"));
    Map<String, String> before = FolderContents.of(state);
    assertKind(RaidvmException.Kind.ALREADY_EXISTS, () -> alerter.add(webhook("ops")));
    assertKind(RaidvmException.Kind.INVALID_ARGUMENT, () -> alerter.add(webhook("Bad Name")));
    assertKind(RaidvmException.Kind.INVALID_ARGUMENT, () -> alerter.add(
        AlertRule.newBuilder().setName("x").setWebhook("ftp://host/x").build()));
    assertKind(RaidvmException.Kind.INVALID_ARGUMENT, () -> alerter.add(
        AlertRule.newBuilder().setName("x").build()));
    assertKind(RaidvmException.Kind.INVALID_ARGUMENT, () -> alerter.add(AlertRule.newBuilder()
        .setName("x").setProgram(ProgramTarget.newBuilder().addArgv("notify-send")).build()));
    assertKind(RaidvmException.Kind.NOT_FOUND, () -> alerter.remove("nope"));
    assertKind(RaidvmException.Kind.NOT_FOUND, () -> alerter.test("nope"));
    assertEquals(before, FolderContents.of(state));
  }

  private static void assertKind(RaidvmException.Kind kind, Runnable call) {
    assertEquals(kind, assertThrows(RaidvmException.class, call::run).kind());
  }

  /** Delivers, except for the number of attempts it was told to fail. */
  private static final class ScriptedSender implements AlertSender {
    final List<Alert> sent = new ArrayList<>();
    private final Deque<Boolean> failures = new ArrayDeque<>();

    void fail(int attempts) {
      for (int i = 0; i < attempts; i++) {
        failures.add(true);
      }
    }

    @Override
    public Outcome send(AlertRule rule, Alert alert) {
      sent.add(alert);
      return failures.poll() != null ? new Outcome(false, "HTTP 503") : new Outcome(true,
          "HTTP 204");
    }
  }
}
