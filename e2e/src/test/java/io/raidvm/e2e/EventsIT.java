package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.AddMemberRequest;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.MemberRequest;
import io.raidvm.api.agent.v1.SetSyncSpeedLimitRequest;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.e2e.EventStream.Received;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Live md events through the controller's WatchVm, in a real VM: a RAID 5 made, synced, degraded
 * and rebuilt, watched by a host client that goes away in between and resumes without a gap.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventsIT {

  private static final List<String> DISKS = List.of("e1", "e2", "e3", "e4");
  private static final Duration SYNC = Duration.ofMinutes(20);
  private static final Duration SOON = Duration.ofMinutes(1);
  private RaidVm vm;

  @BeforeAll
  void bootTheVm() throws Exception {
    // 256 MiB: the syncs last long enough under TCG for their start and progress to be seen
    // (a sync that ends before the agent has armed the new array's files shows no Rebuild*).
    vm = RaidVm.boot("events", DISKS, "256M");
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

  @Test
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

      vm.raid().failMember(MemberRequest.newBuilder().setArray("md127").setDevice("e3-part1")
          .build());
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
}
