package io.raidvm.controller.events;

import static io.raidvm.controller.events.AgentEvents.md;
import static io.raidvm.controller.events.AgentEvents.rebuild;
import static io.raidvm.controller.events.AgentEvents.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmEventHubTest {

  private final VmEventHubs hubs = new VmEventHubs(5, Runnable::run);
  private final VmEventHub hub = hubs.hub("vm1");
  private final String epoch = epochOf(hub);

  private static String epochOf(VmEventHub hub) {
    RecordingSink sink = new RecordingSink();
    hub.watch("", 0, false, sink).close();
    return sink.events.get(0).getEpoch();
  }

  private static List<String> bodies(List<WatchEvent> events) {
    return events.stream().map(e -> switch (e.getBodyCase()) {
      case SNAPSHOT -> "snapshot" + e.getSnapshot().getArraysList().stream()
          .map(Array::getName).toList() + (e.getSnapshot().getGap()
          ? " gap: " + e.getSnapshot().getReason() : "");
      case MD -> e.getMd().getKind() + " " + e.getMd().getArray();
      case VM -> e.getVm().getKind() + " " + e.getVm().getVm();
      default -> "?";
    }).toList();
  }

  @Test
  void freshWatch_startsWithSnapshotOfLastKnownArrays_thenLiveEvents() {
    hub.fromAgent(snapshot("a1", 1, false, "", Array.newBuilder().setName("md0").build()));
    hub.fromAgent(md("a1", 2, MdEvent.Kind.NEW_ARRAY, "md127"));
    RecordingSink sink = new RecordingSink();
    hub.watch("", 0, false, sink);
    hub.vmEvent(VmEvent.Kind.DISK_IO_ERROR, "d2", "write: No space left on device");

    assertEquals(List.of("snapshot[md0, md127]", "DISK_IO_ERROR vm1"), bodies(sink.events));
    assertEquals(2, sink.events.get(0).getSequence());
    assertEquals(3, sink.last().getSequence());
    assertEquals(epoch, sink.last().getEpoch());
    assertEquals("d2", sink.last().getVm().getDisk());
  }

  @Test
  void agentEvents_getTheControllersEpochAndSequence() {
    RecordingSink sink = new RecordingSink();
    hub.watch("", 0, false, sink);
    hub.fromAgent(md("agent-epoch", 41, MdEvent.Kind.FAIL, "md127"));

    assertEquals(epoch, sink.last().getEpoch());
    assertEquals(1, sink.last().getSequence());
  }

  @Test
  void resume_continuesRightAfterTheLastEventSeen_withoutSnapshot() {
    hub.vmEvent(VmEvent.Kind.STARTED, "", "");
    hub.fromAgent(md("a1", 1, MdEvent.Kind.DEVICE_ADDED, "md127"));
    hub.fromAgent(md("a1", 2, MdEvent.Kind.REBUILD_STARTED, "md127"));
    RecordingSink sink = new RecordingSink();
    hub.watch(epoch, 1, false, sink);

    assertEquals(List.of("DEVICE_ADDED md127", "REBUILD_STARTED md127"), bodies(sink.events));
  }

  @Test
  void resume_fromAnotherEpoch_startsWithGapSnapshot() {
    hub.vmEvent(VmEvent.Kind.STARTED, "", "");
    RecordingSink sink = new RecordingSink();
    hub.watch("an-old-controller", 7, false, sink);

    assertEquals(List.of("snapshot[] gap: epoch changed"), bodies(sink.events));
    assertEquals(1, sink.events.get(0).getSequence());
  }

  @Test
  void agentGapSnapshot_isRecordedAsGap_agentRestarted() {
    RecordingSink sink = new RecordingSink();
    hub.watch("", 0, false, sink);
    hub.fromAgent(snapshot("a2", 3, true, "epoch changed",
        Array.newBuilder().setName("md127").build()));

    assertEquals(List.of("snapshot[]", "snapshot[md127] gap: agent restarted"),
        bodies(sink.events));
  }

  @Test
  void slowWatcher_doesNotHoldUpOthers_andGetsGapSnapshotWhenTooFarBehind() {
    RecordingSink slow = new RecordingSink();
    slow.ready = false;
    Watch slowWatch = hub.watch("", 0, false, slow);
    RecordingSink fast = new RecordingSink();
    hub.watch("", 0, false, fast);
    for (int i = 1; i <= 8; i++) {
      hub.fromAgent(rebuild("a1", i, MdEvent.Kind.REBUILD_PROGRESS, "md127", i * 10));
    }
    assertEquals(9, fast.events.size());
    assertTrue(slow.events.isEmpty());

    slow.ready = true;
    slowWatch.wake();

    assertEquals(List.of("snapshot[]", "snapshot[md127] gap: too far behind"),
        bodies(slow.events));
    assertEquals(8, slow.last().getSequence());
    assertEquals(80, slow.last().getSnapshot().getArrays(0).getSync().getPercent());
  }

  @Test
  void mdstat_isSentOnlyToWatchersThatAskedForIt() {
    RecordingSink with = new RecordingSink();
    RecordingSink without = new RecordingSink();
    hub.watch("", 0, true, with);
    hub.watch("", 0, false, without);
    hub.fromAgent(md("a1", 1, MdEvent.Kind.FAIL, "md127"));

    assertTrue(with.last().getMdstat().startsWith("Personalities"));
    assertFalse(without.last().hasField(WatchEvent.getDescriptor().findFieldByName("mdstat")));
  }

  @Test
  void snapshot_followsSyncOfTheEventsSinceTheAgentsSnapshot() {
    hub.fromAgent(snapshot("a1", 1, false, ""));
    hub.fromAgent(md("a1", 2, MdEvent.Kind.NEW_ARRAY, "md127"));
    hub.fromAgent(rebuild("a1", 3, MdEvent.Kind.REBUILD_STARTED, "md127", 0));
    RecordingSink during = new RecordingSink();
    hub.watch("", 0, false, during);
    hub.fromAgent(rebuild("a1", 4, MdEvent.Kind.REBUILD_FINISHED, "md127", 100));
    RecordingSink after = new RecordingSink();
    hub.watch("", 0, false, after);

    assertEquals("resync", during.events.get(0).getSnapshot().getArrays(0).getSync().getAction());
    assertEquals("idle", after.events.get(0).getSnapshot().getArrays(0).getSync().getAction());
  }

  @Test
  void watchers_countsOpenWatches_untilClosed() {
    int before = hubs.watchers();
    assertEquals(0, before);
    Watch one = hub.watch("", 0, false, new RecordingSink());
    Watch two = hubs.hub("vm2").watch("", 0, false, new RecordingSink());
    assertEquals(before + 2, hubs.watchers());
    one.close();
    two.close();
    two.close();
    assertEquals(before, hubs.watchers());
  }
}
