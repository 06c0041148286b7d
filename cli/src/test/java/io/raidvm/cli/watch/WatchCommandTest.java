package io.raidvm.cli.watch;

import static io.raidvm.cli.EventStandIn.EPOCH;
import static io.raidvm.cli.EventStandIn.md;
import static io.raidvm.cli.EventStandIn.numbered;
import static io.raidvm.cli.EventStandIn.snapshot;
import static io.raidvm.cli.EventStandIn.sync;
import static io.raidvm.cli.EventStandIn.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.controller.v1.WatchVmRequest;
import io.raidvm.cli.EventStandIn;
import io.raidvm.cli.Raidctl;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchCommandTest {

  @TempDir
  Path dir;
  private EventStandIn controller;
  private final List<WatchEvent> events = numbered(
      snapshot(Array.newBuilder().setName("md127").setLevel("raid5").addStates("clean").build()),
      vm(VmEvent.Kind.AGENT_CONNECTED),
      md(MdEvent.Kind.FAIL, "md127").setMdstat("md127 : active raid5 sdc1[2](F)\n"),
      sync(MdEvent.Kind.REBUILD_PROGRESS, "md127", 42));

  private Raidctl raidctl() throws Exception {
    controller = new EventStandIn(dir.resolve("c.sock"), events, false);
    return new Raidctl(dir.resolve("c.sock"));
  }

  @AfterEach
  void stop() throws Exception {
    controller.close();
  }

  @Test
  void watch_printsOneLinePerEvent_ledByItsResumePoint() throws Exception {
    Raidctl raidctl = raidctl();
    assertEquals(0, raidctl.run("watch", "vm1"));
    assertEquals(String.join("\n",
        EPOCH + ":1 2026-11-25T13:00:00Z Snapshot: md127 raid5 clean",
        EPOCH + ":2 2026-11-25T13:00:00Z vm1 AgentConnected",
        EPOCH + ":3 2026-11-25T13:00:00Z md127 Fail",
        EPOCH + ":4 2026-11-25T13:00:00Z md127 RebuildProgress resync 42.0%, 20480 KiB/s,"
            + " 75 s left", ""), raidctl.out.toString());
    assertEquals(WatchVmRequest.newBuilder().setName("vm1").build(), controller.requests.get(0));
  }

  @Test
  void watch_withMdstat_asksForIt_andPrintsItIndented() throws Exception {
    Raidctl raidctl = raidctl();
    assertEquals(0, raidctl.run("watch", "vm1", "--mdstat"));
    assertTrue(controller.requests.get(0).getIncludeMdstat());
    assertTrue(raidctl.out.toString().contains("md127 Fail\n  md127 : active raid5 sdc1[2](F)\n"),
        raidctl.out.toString());
  }

  @Test
  void watch_after_resumesAfterThatEvent() throws Exception {
    Raidctl raidctl = raidctl();
    assertEquals(0, raidctl.run("watch", "vm1", "--after", EPOCH + ":2"));
    assertEquals(EPOCH, controller.requests.get(0).getEpoch());
    assertEquals(2, controller.requests.get(0).getAfterSequence());
  }

  @Test
  void watch_afterWithoutSequence_isBadInput() throws Exception {
    Raidctl raidctl = raidctl();
    assertEquals(2, raidctl.run("watch", "vm1", "--after", EPOCH));
    assertTrue(raidctl.err.toString().contains("is not EPOCH:SEQ"), raidctl.err.toString());
    assertTrue(controller.requests.isEmpty());
  }

  @Test
  void watch_json_printsOneObjectPerLine() throws Exception {
    Raidctl raidctl = raidctl();
    assertEquals(0, raidctl.run("watch", "vm1", "-o", "json"));
    String[] lines = raidctl.out.toString().split("\n");
    assertEquals(events.size(), lines.length);
    for (int i = 0; i < lines.length; i++) {
      WatchEvent.Builder parsed = WatchEvent.newBuilder();
      JsonFormat.parser().merge(lines[i], parsed);
      assertEquals(events.get(i).getSequence(), parsed.getSequence());
    }
    assertFalse(raidctl.out.toString().contains("mdstat\": \"md127"), "mdstat was not asked for");
  }

  @Test
  void watch_unknownVm_exits3() throws Exception {
    Raidctl raidctl = raidctl();
    assertEquals(3, raidctl.run("watch", "vm9"));
    assertEquals("raidctl: NOT_FOUND: VM 'vm9' does not exist\n", raidctl.err.toString());
  }
}
