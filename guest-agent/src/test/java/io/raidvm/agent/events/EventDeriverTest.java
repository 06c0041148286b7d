package io.raidvm.agent.events;

import static io.raidvm.agent.events.CapturedMd.md127;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.MdEvent.Kind;
import io.raidvm.agent.md.MdSysfs;
import io.raidvm.agent.testing.CapturedSysfs;
import io.raidvm.agent.testing.Fixtures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Pairs of real captured md states (fixtures/guest/) and the events between them. Captured steps
 * are consecutive in the scenario unless a test says otherwise.
 */
class EventDeriverTest {

  private static final MdState HEALTHY =
      md127("04-raid5-synced/mdstat", "04-raid5-synced/sysfs-md127");
  private static final MdState FAILED = md127("07-fail/mdstat", "07-fail/sysfs-md127");
  private static final MdState CREATED =
      md127("03-raid5-create/mdstat", "03-raid5-create/sysfs-md127");
  private static final MdState RECOVERING_P1 = md127("03-raid5-create/mdstat-p1",
      "03-raid5-create/sysfs-md127", "03-raid5-create/sysfs-md127-p1");
  private static final MdState RECOVERING_10_P2 = md127("10-recovery/mdstat-p2",
      "10-recovery/sysfs-md127", "10-recovery/sysfs-md127-p2");

  private static List<String> describe(List<MdEvent> events) {
    return events.stream().map(e -> (e.getKind() + " " + e.getArray() + " " + e.getDevice()
        + " " + e.getSyncAction()).strip().replaceAll(" +", " ")).toList();
  }

  @Test
  void createdRaid5_isANewArray_degradedWhileItBuildsByRecovery() {
    MdState before = CapturedMd.state("03-raid5-create/mdstat-before", Map.of());

    List<MdEvent> events = EventDeriver.derive(before, CREATED);

    assertEquals(List.of("NEW_ARRAY md127", "DEGRADED_ARRAY md127",
        "REBUILD_STARTED md127 recover"), describe(events));
    assertEquals(1, events.get(1).getDegraded());
    assertEquals(16016, events.get(2).getSync().getDoneSectors());
  }

  @Test
  void syncAdvancing_isRebuildProgress_withSectorsAndSpeed() {
    List<MdEvent> events = EventDeriver.derive(CREATED, RECOVERING_P1);

    assertEquals(List.of("REBUILD_PROGRESS md127 recover"), describe(events));
    assertEquals(56056, events.get(0).getSync().getDoneSectors());
    assertEquals(128000, events.get(0).getSync().getTotalSectors());
    assertEquals(43.794, events.get(0).getSync().getPercent(), 0.001);
    assertEquals(217, events.get(0).getSync().getSpeedKibPerS());
  }

  /** 03 (p1) → 04: every sample of 03 caught the recovery running; it ended before 04. */
  @Test
  void recoveryDone_isRebuildFinished_thenTheRebuiltSpareActive() {
    List<MdEvent> events = EventDeriver.derive(RECOVERING_P1, HEALTHY);

    assertEquals(List.of("REBUILD_FINISHED md127 recover", "SPARE_ACTIVE md127 /dev/sde1"),
        describe(events));
    assertEquals(0, events.get(0).getMismatchCount());
  }

  @Test
  void syncThreadEnded_whileSyncActionStillNamesIt_isRebuildFinished_notProgressBackToZero() {
    // Seen in CI: between a sync's end and md reaping it, sync_action still says "recover" while
    // sync_completed already says "none". The capture of p1 with that one file as md had it.
    Map<String, String> files = new HashMap<>(
        CapturedSysfs.files("03-raid5-create/sysfs-md127", "03-raid5-create/sysfs-md127-p1"));
    files.put("sync_completed", "none\n");
    MdState ended = MdState.of(Fixtures.read("guest/03-raid5-create/mdstat-p1.stdout"),
        array -> Optional.of(MdSysfs.parse(files)), name -> true);

    assertEquals(List.of("REBUILD_FINISHED md127 recover"),
        describe(EventDeriver.derive(RECOVERING_P1, ended)));
  }

  @Test
  void scrubStarted_isRebuildStarted_withTheKindFromSysfs() {
    MdState checking = md127("06-check/mdstat-checking", "06-check/sysfs-md127-checking");

    assertEquals(List.of("REBUILD_STARTED md127 check"),
        describe(EventDeriver.derive(HEALTHY, checking)));
  }

  @Test
  void memberFailed_isFail_andTheArrayDegraded() {
    List<MdEvent> events = EventDeriver.derive(HEALTHY, FAILED);

    assertEquals(List.of("FAIL md127 /dev/sdc1", "DEGRADED_ARRAY md127"), describe(events));
    assertEquals(1, events.get(1).getDegraded());
  }

  @Test
  void failedMemberRemoved_isDeviceRemoved() {
    MdState removed = md127("08-remove/mdstat", "08-remove/sysfs-md127");

    assertEquals(List.of("DEVICE_REMOVED md127 /dev/sdc1"),
        describe(EventDeriver.derive(FAILED, removed)));
  }

  /** 08 → 10: step 09 only wiped the removed disk's superblock, md did not change. */
  @Test
  void memberAdded_isDeviceAdded_andItsRecoveryStarts() {
    MdState removed = md127("08-remove/mdstat", "08-remove/sysfs-md127");
    MdState recovering = md127("10-recovery/mdstat", "10-recovery/sysfs-md127");

    assertEquals(List.of("DEVICE_ADDED md127 /dev/sdc1", "REBUILD_STARTED md127 recover"),
        describe(EventDeriver.derive(removed, recovering)));
  }

  /**
   * 10 (last sample) → 07's state: sdc1, the spare being rebuilt, failed and md gave the
   * recovery up. Not consecutive: no sample caught that moment (11 failed and removed sdc1 in one
   * call, next test); 07-fail is the same array with sdc1 faulty and no sync running.
   */
  @Test
  void spareFailedDuringItsRebuild_isFailSpare_andTheRecoveryEnds() {
    assertEquals(List.of("FAIL_SPARE md127 /dev/sdc1", "REBUILD_FINISHED md127 recover"),
        describe(EventDeriver.derive(RECOVERING_10_P2, FAILED)));
  }

  /** 10 (last sample) → 11: sdc1, the spare being rebuilt, failed and removed in one call. */
  @Test
  void spareFailedAndRemovedBetweenTwoSamples_isDeviceRemoved_andTheRecoveryEnds() {
    MdState removed = md127("11-remove-busy/mdstat-after-fail",
        "11-remove-busy/sysfs-md127-after-fail");

    assertEquals(List.of("DEVICE_REMOVED md127 /dev/sdc1", "REBUILD_FINISHED md127 recover"),
        describe(EventDeriver.derive(RECOVERING_10_P2, removed)));
  }

  /** 12 → 20: steps 13–19 built and stopped other arrays; md127 itself did not change. */
  @Test
  void arrayStopped_isArrayStopped() {
    MdState healthy = md127("12-readd/mdstat-healthy", "10-recovery/sysfs-md127",
        "12-readd/sysfs-md127-healthy");
    MdState none = CapturedMd.state("20-stop-all/mdstat", Map.of());

    assertEquals(List.of("ARRAY_STOPPED md127"), describe(EventDeriver.derive(healthy, none)));
  }

  /**
   * NOT CAPTURED: a disk unplugged from under an array. Built from 07-fail (sdc1 faulty) by
   * marking sdc1's block device absent, the one edit.
   */
  @Test
  void failedMembersDeviceGone_isDeviceDisappeared() {
    MdState gone = md127("07-fail/mdstat", "07-fail/sysfs-md127", name -> !name.equals("sdc1"));

    assertEquals(List.of("FAIL md127 /dev/sdc1", "DEVICE_DISAPPEARED md127 /dev/sdc1",
        "DEGRADED_ARRAY md127"), describe(EventDeriver.derive(HEALTHY, gone)));
  }

  /** md124's resync waits for md125's (resync=DELAYED): only md125's counts as started. */
  @Test
  void delayedResync_isNotStarted_untilItRuns() {
    MdState before = CapturedMd.state("13-raid1-whole-disks/mdstat", Map.of());
    MdState after = CapturedMd.state("14-raid1-partitions/mdstat-delayed",
        Map.of("md124", "14-raid1-partitions/sysfs-md124",
            "md125", "14-raid1-partitions/sysfs-md125"));

    List<String> events = describe(EventDeriver.derive(before, after)).stream()
        .filter(e -> e.contains("md124") || e.contains("md125")).toList();

    assertEquals(List.of("NEW_ARRAY md124", "NEW_ARRAY md125", "REBUILD_STARTED md125 resync"),
        events);
  }

  @Test
  void sameState_noEvents() {
    assertEquals(List.of(), EventDeriver.derive(HEALTHY, HEALTHY));
    assertEquals(List.of(), EventDeriver.derive(FAILED, FAILED));
  }

  /**
   * A RAID 5 of three with a hot spare (sde1), one member (sdc1) failed: md rebuilds onto the
   * spare at once, and reports SpareActive when it is in sync (fixtures/guest-lifecycle/L1, L2).
   */
  @Test
  void memberFailed_withAHotSpare_isFailThenRebuildOntoTheSpare_thenSpareActive() {
    MdState spare = CapturedMd.lifecycleMd127("L1-spare/mdstat", "L1-spare/sysfs-md127");
    MdState rebuilding = CapturedMd.lifecycleMd127("L2-spare-active/mdstat-rebuilding",
        "L2-spare-active/sysfs-md127-rebuilding");
    MdState rebuilt = CapturedMd.lifecycleMd127("L2-spare-active/mdstat-rebuilt",
        "L2-spare-active/sysfs-md127-rebuilt");

    assertEquals(List.of("FAIL md127 /dev/sdc1", "DEGRADED_ARRAY md127",
        "REBUILD_STARTED md127 recover"), describe(EventDeriver.derive(spare, rebuilding)));
    assertEquals(List.of("REBUILD_FINISHED md127 recover", "SPARE_ACTIVE md127 /dev/sde1"),
        describe(EventDeriver.derive(rebuilding, rebuilt)));
  }

  /** A poller that slept through the rebuild sees the idle spare in sync: still SpareActive. */
  @Test
  void idleSpare_seenNextInSync_isSpareActive() {
    MdState spare = CapturedMd.lifecycleMd127("L1-spare/mdstat", "L1-spare/sysfs-md127");
    MdState rebuilt = CapturedMd.lifecycleMd127("L2-spare-active/mdstat-rebuilt",
        "L2-spare-active/sysfs-md127-rebuilt");

    assertEquals(List.of("FAIL md127 /dev/sdc1", "SPARE_ACTIVE md127 /dev/sde1"),
        describe(EventDeriver.derive(spare, rebuilt)));
  }
}
