package io.raidvm.controller.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.api.controller.v1.ScrubRun;
import io.raidvm.api.controller.v1.ScrubSchedule;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.testing.FolderContents;
import io.raidvm.common.testing.SteppingClock;
import io.raidvm.controller.vm.VmStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScrubberTest {

  private static final ZoneId UTC = ZoneId.of("UTC");

  @TempDir
  Path state;

  private VmStore store;
  private final SteppingClock clock = new SteppingClock(Instant.parse("2026-01-31T12:00:00Z"));
  private final FakeGuest guest = new FakeGuest();
  private final Map<String, VmState> states = new HashMap<>();
  /** Checks run here, by the test, when it says. */
  private final List<Runnable> queued = new ArrayList<>();
  private final Executor workers = queued::add;

  @BeforeEach
  void oneVmWithOneArray() {
    store = new VmStore(state);
    store.createFolder("vm1");
    store.writeSpec(VmSpec.newBuilder().setName("vm1").build());
    states.put("vm1", VmState.READY);
  }

  private Scrubber scrubber() {
    return new Scrubber(store, guest, states::get, vm -> List.of("md127"), clock, UTC, workers);
  }

  private void runWorkers() {
    while (!queued.isEmpty()) {
      queued.remove(0).run();
    }
  }

  @Test
  void anArraySeen_getsTheDefault_theFirstSundayAt0106() {
    List<ScrubSchedule> schedules = scrubber().list("vm1");
    assertEquals(1, schedules.size());
    ScrubSchedule s = schedules.get(0);
    assertEquals("md127", s.getArray());
    assertEquals("6 1 * * sun#1", s.getCron());
    assertTrue(s.getIsDefault());
    assertEquals(Instant.parse("2026-02-01T01:06:00Z"), Scrubber.instant(s.getNextRun()));
  }

  @Test
  void aDueSchedule_runsACheck_withItsSpeedCap_andLandsInTheHistory() {
    Scrubber scrubber = scrubber();
    scrubber.set("vm1", "/dev/md127", "*/10 * * * *", "", 5000);
    guest.mismatches = 8;
    clock.advance(Duration.ofMinutes(10));
    scrubber.tick();
    runWorkers();

    List<ScrubRun> runs = scrubber.history("vm1", "md127", 0);
    assertEquals(1, runs.size(), runs.toString());
    ScrubRun run = runs.get(0);
    assertEquals(ScrubRun.Result.MISMATCHES, run.getResult());
    assertEquals(8, run.getMismatchCount());
    assertEquals("schedule", run.getTrigger());
    assertEquals("op-1", run.getOperationId());
    assertEquals(List.of("cap md127 5000", "check md127", "follow op-1", "cap md127 0"),
        guest.calls);
    // Next due ten minutes on, not again now.
    scrubber.tick();
    assertTrue(queued.isEmpty());
  }

  @Test
  void skipped_whenTheVmIsStopped_theAgentAway_orASyncRuns_eachWithItsReason() {
    Scrubber scrubber = scrubber();
    states.put("vm1", VmState.STOPPED);
    assertSkipped(scrubber.runNow("vm1", "md127", 0), "VM vm1 is stopped");
    states.put("vm1", VmState.RUNNING_AGENT_NOT_READY);
    assertSkipped(scrubber.runNow("vm1", "md127", 0), "agent of VM vm1 is not connected");
    states.put("vm1", VmState.READY);
    guest.sync = SyncStatus.newBuilder().setAction("resync").setPercent(42).build();
    assertSkipped(scrubber.runNow("vm1", "md127", 0), "a resync of md127 already runs (42.0 %)");
    guest.sync = SyncStatus.newBuilder().setAction("idle").build();
    assertSkipped(scrubber.runNow("vm1", "md9", 0), "VM vm1 has no array md9");
    assertFalse(guest.calls.stream().anyMatch(c -> c.startsWith("check")), guest.calls.toString());
    assertEquals(4, scrubber.history("vm1", "md127", 0).size()
        + scrubber.history("vm1", "md9", 0).size());
  }

  @Test
  void lastRuns_areEachArraysNewestEndedRun_notOneStillRunning() {
    Scrubber scrubber = scrubber();
    guest.mismatches = 8;
    scrubber.runNow("vm1", "md127", 0);
    runWorkers();
    assertEquals(List.of(ScrubRun.Result.MISMATCHES),
        scrubber.lastRuns().stream().map(ScrubRun::getResult).toList());

    guest.mismatches = 0;
    scrubber.runNow("vm1", "md127", 0);
    assertEquals(List.of(ScrubRun.Result.MISMATCHES),
        scrubber.lastRuns().stream().map(ScrubRun::getResult).toList(), "the new one runs");
    runWorkers();
    states.put("vm1", VmState.STOPPED);
    scrubber.runNow("vm1", "md9", 0);
    assertEquals(List.of("md127 CLEAN", "md9 SKIPPED"), scrubber.lastRuns().stream()
        .map(r -> r.getArray() + " " + r.getResult()).toList());
  }

  @Test
  void aSecondRunWhileOneRuns_isSkipped() {
    Scrubber scrubber = scrubber();
    assertEquals(ScrubRun.Result.RUNNING, scrubber.runNow("vm1", "md127", 0).getResult());
    assertSkipped(scrubber.runNow("vm1", "md127", 0), "a scrub of md127 already runs");
    runWorkers();
    assertEquals(ScrubRun.Result.CLEAN, scrubber.history("vm1", "md127", 1).get(0).getResult());
  }

  @Test
  void schedulesHistoryAndRunningChecks_surviveARestart() {
    Scrubber first = scrubber();
    first.set("vm1", "md127", "0 3 * * *", "Europe/Berlin", 0);
    first.runNow("vm1", "md127", 0);
    queued.clear(); // the controller dies while the check runs in the guest

    Scrubber second = scrubber();
    ScrubSchedule s = second.list("vm1").get(0);
    assertEquals("0 3 * * *", s.getCron());
    assertEquals("Europe/Berlin", s.getTimeZone());
    assertFalse(s.getIsDefault());
    assertEquals(Instant.parse("2026-02-01T02:00:00Z"), Scrubber.instant(s.getNextRun()));
    assertEquals(ScrubRun.Result.RUNNING, second.history("vm1", "md127", 0).get(0).getResult());
    second.resumeRunning();
    runWorkers();
    List<ScrubRun> runs = second.history("vm1", "md127", 0);
    assertEquals(1, runs.size(), runs.toString());
    assertEquals(ScrubRun.Result.CLEAN, runs.get(0).getResult());
    assertTrue(Files.exists(store.paths("vm1").scrubBook()));
  }

  @Test
  void aRunDueWhileNoControllerRan_isRecordedAsMissed_notStartedLate() {
    scrubber().set("vm1", "md127", "0 13 * * *", "", 0);
    clock.advance(Duration.ofHours(3)); // 15:00: the 13:00 run passed with no controller
    Scrubber restarted = scrubber();
    restarted.tick();
    assertTrue(queued.isEmpty());
    ScrubRun run = restarted.history("vm1", "md127", 0).get(0);
    assertSkipped(run, "missed: it was due at 2026-01-31T13:00:00Z");
    assertEquals(Instant.parse("2026-02-01T13:00:00Z"),
        Scrubber.instant(restarted.list("vm1").get(0).getNextRun()));
  }

  @Test
  void theHistoryIsBounded() {
    Scrubber scrubber = scrubber();
    states.put("vm1", VmState.STOPPED);
    for (int i = 0; i < Scrubber.KEPT_RUNS + 5; i++) {
      scrubber.runNow("vm1", "md127", 0);
    }
    assertEquals(Scrubber.KEPT_RUNS, scrubber.history("vm1", "md127", 0).size());
    assertEquals(3, scrubber.history("vm1", "md127", 3).size());
  }

  @Test
  void badInput_isRefused_andChangesNothingOnDisk() {
    Scrubber scrubber = scrubber();
    scrubber.list("vm1"); // the default schedule of the array seen is written first
    Map<String, String> before = FolderContents.of(state);
    assertKind(RaidvmException.Kind.INVALID_ARGUMENT, () -> scrubber.set("vm1", "md127",
        "6 1 * *", "", 0));
    assertKind(RaidvmException.Kind.INVALID_ARGUMENT, () -> scrubber.set("vm1", "md127", "",
        "Mars/Olympus", 0));
    assertKind(RaidvmException.Kind.INVALID_ARGUMENT, () -> scrubber.set("vm1", "md127", "",
        "", 999));
    assertKind(RaidvmException.Kind.INVALID_ARGUMENT, () -> scrubber.set("vm1", "sda", "", "",
        0));
    assertKind(RaidvmException.Kind.NOT_FOUND, () -> scrubber.runNow("nope", "md127", 0));
    assertEquals(before, FolderContents.of(state));
  }

  @Test
  void off_hasNoNextRun() {
    ScrubSchedule s = scrubber().set("vm1", "md127", "off", "", 0);
    assertEquals("off", s.getCron());
    assertFalse(s.hasNextRun());
  }

  private static void assertKind(RaidvmException.Kind kind, Runnable call) {
    assertEquals(kind, assertThrows(RaidvmException.class, call::run).kind());
  }

  private static void assertSkipped(ScrubRun run, String reason) {
    assertEquals(ScrubRun.Result.SKIPPED, run.getResult(), run.toString());
    assertTrue(run.getReason().contains(reason), run.getReason());
  }

  /** The agent: one array, md127, whose check ends with {@link #mismatches}. */
  private static final class FakeGuest implements ScrubGuest {
    final List<String> calls = new ArrayList<>();
    SyncStatus sync = SyncStatus.newBuilder().setAction("idle").build();
    long mismatches;
    int operations;

    @Override
    public Array array(String vm, String array) {
      if (!array.equals("md127")) {
        throw RaidvmException.notFound("no array %s", array);
      }
      return Array.newBuilder().setName(array).setSync(sync).build();
    }

    @Override
    public void capSpeed(String vm, String array, long kibPerS) {
      calls.add("cap " + array + " " + kibPerS);
    }

    @Override
    public Operation startCheck(String vm, String array) {
      calls.add("check " + array);
      return Operation.newBuilder().setId("op-" + ++operations)
          .setState(Operation.State.RUNNING).build();
    }

    @Override
    public Operation follow(String vm, String operationId) {
      calls.add("follow " + operationId);
      return Operation.newBuilder().setId(operationId).setState(Operation.State.SUCCEEDED)
          .setArray(Array.newBuilder().setName("md127").setMismatchCount(mismatches)).build();
    }
  }
}
