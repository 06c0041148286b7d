package io.raidvm.cli.raid;

import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.cli.support.Printer;
import io.raidvm.cli.watch.EventLine;

/**
 * Shows a sync's progress: on a terminal one bar redrawn in place ("\r"), otherwise a line per
 * update, so logs and pipes stay readable; nothing when the events themselves are printed (JSON).
 */
final class SyncView {

  /** How progress is shown. */
  enum Style { BAR, LINES, NONE }

  private final Printer printer;
  private final String array;
  private final Style style;
  private boolean barShown;

  SyncView(Printer printer, String array, Style style) {
    this.printer = printer;
    this.array = array;
    this.style = style;
  }

  void progress(SyncStatus sync) {
    switch (style) {
      case BAR -> {
        printer.partial("\r" + SyncBar.render(array, sync));
        barShown = true;
      }
      case LINES -> printer.line(array + " " + EventLine.progress(sync));
      case NONE -> { }
    }
  }

  /** Ends the bar's line, if one is shown, and says how it ended. */
  void end(String message) {
    if (barShown) {
      printer.line("");
    }
    if (style != Style.NONE) {
      printer.line(array + ": " + message);
    }
  }
}
