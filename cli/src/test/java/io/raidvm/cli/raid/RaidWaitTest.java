package io.raidvm.cli.raid;

import static io.raidvm.cli.EventStandIn.md;
import static io.raidvm.cli.EventStandIn.numbered;
import static io.raidvm.cli.EventStandIn.snapshot;
import static io.raidvm.cli.EventStandIn.sync;
import static io.raidvm.cli.EventStandIn.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.cli.EventStandIn;
import io.raidvm.cli.Raidctl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-in keeps each watch open, as the controller does: raid wait must end by itself. */
class RaidWaitTest {

  @TempDir
  Path dir;
  private EventStandIn controller;

  private static Array md127(SyncStatus sync) {
    return Array.newBuilder().setName("md127").setLevel("raid5").setSync(sync).build();
  }

  private Raidctl raidctl(List<WatchEvent> events) throws Exception {
    controller = new EventStandIn(dir.resolve("c.sock"), events, true);
    return new Raidctl(dir.resolve("c.sock"));
  }

  private static int run(Raidctl raidctl, String... args) {
    return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> raidctl.run(args));
  }

  @AfterEach
  void stop() throws Exception {
    controller.close();
  }

  @Test
  void wait_followsTheSyncToItsEnd_inPlainLinesWhenNotATerminal() throws Exception {
    Raidctl raidctl = raidctl(numbered(
        snapshot(md127(sync(10))),
        sync(MdEvent.Kind.REBUILD_PROGRESS, "md0", 50),
        sync(MdEvent.Kind.REBUILD_PROGRESS, "md127", 60),
        sync(MdEvent.Kind.REBUILD_FINISHED, "md127", 100)));
    assertEquals(0, run(raidctl, "raid", "wait", "vm1", "/dev/md127"));
    assertEquals(String.join("\n",
        "md127 resync 10.0%, 20480 KiB/s, 75 s left",
        "md127 resync 60.0%, 20480 KiB/s, 75 s left",
        "md127: resync finished, mismatches 0", ""), raidctl.out.toString());
  }

  @Test
  void wait_returnsAtOnce_whenNoSyncRuns() throws Exception {
    Raidctl raidctl = raidctl(numbered(
        snapshot(md127(SyncStatus.newBuilder().setAction("idle").build()))));
    assertEquals(0, run(raidctl, "raid", "wait", "vm1", "md127"));
    assertEquals("md127: no sync running\n", raidctl.out.toString());
  }

  @Test
  void wait_forADelayedResync_waitsForIt() throws Exception {
    Raidctl raidctl = raidctl(numbered(
        snapshot(md127(SyncStatus.newBuilder().setAction("idle").setDelayed(true).build())),
        sync(MdEvent.Kind.REBUILD_STARTED, "md127", 0),
        sync(MdEvent.Kind.REBUILD_FINISHED, "md127", 100)));
    assertEquals(0, run(raidctl, "raid", "wait", "vm1", "md127"));
    assertEquals("md127: resync finished, mismatches 0",
        raidctl.out.toString().lines().reduce((a, b) -> b).orElseThrow());
  }

  @Test
  void wait_json_printsTheArraysEventsOnly_oneObjectPerLine() throws Exception {
    Raidctl raidctl = raidctl(numbered(
        snapshot(md127(sync(10))),
        sync(MdEvent.Kind.REBUILD_PROGRESS, "md0", 50),
        sync(MdEvent.Kind.REBUILD_FINISHED, "md127", 100)));
    assertEquals(0, run(raidctl, "raid", "wait", "vm1", "md127", "-o", "json"));
    List<String> lines = raidctl.out.toString().lines().toList();
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(1).contains("\"kind\":\"REBUILD_FINISHED\""), lines.get(1));
  }

  @Test
  void wait_unknownArray_exits3() throws Exception {
    Raidctl raidctl = raidctl(numbered(snapshot()));
    assertEquals(3, run(raidctl, "raid", "wait", "vm1", "md9"));
    assertEquals("raidctl: NOT_FOUND: VM 'vm1' has no array md9\n", raidctl.err.toString());
  }

  @Test
  void wait_vmCrashes_exits5() throws Exception {
    Raidctl raidctl = raidctl(numbered(snapshot(md127(sync(10))), vm(VmEvent.Kind.CRASHED)));
    assertEquals(5, run(raidctl, "raid", "wait", "vm1", "md127"));
    assertEquals("raidctl: UNAVAILABLE: VM 'vm1' crashed before the sync of md127 finished\n",
        raidctl.err.toString());
  }

  @Test
  void wait_arrayStopped_exits4() throws Exception {
    Raidctl raidctl = raidctl(numbered(snapshot(md127(sync(10))),
        md(MdEvent.Kind.ARRAY_STOPPED, "md127")));
    assertEquals(4, run(raidctl, "raid", "wait", "vm1", "md127"));
  }
}
