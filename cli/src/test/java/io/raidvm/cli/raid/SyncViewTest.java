package io.raidvm.cli.raid;

import static io.raidvm.cli.EventStandIn.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.cli.support.Printer;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class SyncViewTest {

  @Test
  void render_showsBarPercentSpeedAndEta() {
    assertEquals("md127 resync [#############-----------------]  42.0%  20.0 MiB/s  ETA 1:15",
        SyncBar.render("md127", sync(42)));
  }

  @Test
  void render_withoutSpeedOrEta_leavesThemOut() {
    assertEquals("md1 check [------------------------------]   0.0%",
        SyncBar.render("md1", SyncStatus.newBuilder().setAction("check").build()));
  }

  @Test
  void duration_growsHoursWhenNeeded() {
    assertEquals("0:05", SyncBar.duration(5));
    assertEquals("1:01:40", SyncBar.duration(3700));
  }

  @Test
  void onATerminal_theBarIsRedrawnInPlace_thenEndsItsLine() {
    StringWriter out = new StringWriter();
    SyncView view = new SyncView(new Printer(new PrintWriter(out)), "md127",
        SyncView.Style.BAR);
    view.progress(sync(10));
    view.progress(sync(20));
    view.end("resync finished, mismatches 0");
    assertEquals("\r" + SyncBar.render("md127", sync(10)) + "\r"
        + SyncBar.render("md127", sync(20)) + "\nmd127: resync finished, mismatches 0\n",
        out.toString());
  }
}
