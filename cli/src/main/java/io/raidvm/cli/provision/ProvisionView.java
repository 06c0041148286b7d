package io.raidvm.cli.provision;

import com.google.protobuf.util.Durations;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.ConfigChange;
import io.raidvm.api.agent.v1.MountedFilesystem;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.api.controller.v1.ProvisionCheck;
import io.raidvm.api.controller.v1.ProvisionEvent;
import io.raidvm.api.controller.v1.ProvisionSummary;
import io.raidvm.cli.raid.SyncBar;
import io.raidvm.cli.support.Printer;
import io.raidvm.common.Sizes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A provision for people: one line per finished step, live progress while a step runs (a bar
 * redrawn in place on a terminal, a line per 10 % otherwise), then the summary.
 */
final class ProvisionView {

  private static final int STEP_WIDTH = 11;

  private final Printer printer;
  private final boolean terminal;
  private boolean barShown;
  private int lastDecile = -1;
  private String lastMessage = "";

  ProvisionView(Printer printer, boolean terminal) {
    this.printer = printer;
    this.terminal = terminal;
  }

  void show(ProvisionEvent e) {
    switch (e.getState()) {
      case STEP_STARTED -> {
        lastDecile = -1;
        lastMessage = "";
        if (terminal) {
          bar(pad(e.getStep()) + " ...");
        }
      }
      case STEP_PROGRESS -> progress(e);
      case STEP_SUMMARY -> summary(e.getSummary());
      default -> {
        endBar();
        printer.line(String.format(Locale.ROOT, "%-14s %s %s (%s)", "[" + word(e) + "]",
            pad(e.getStep()), e.getMessage(), seconds(e)));
      }
    }
  }

  private void progress(ProvisionEvent e) {
    if (e.hasProgress() && e.getProgress().getPercent() > 0) {
      Progress p = e.getProgress();
      if (terminal) {
        bar(SyncBar.render(pad(e.getStep()), SyncStatus.newBuilder().setAction(p.getPhase())
            .setPercent(p.getPercent()).setSpeedKibPerS(p.getSpeedKibPerS())
            .setEtaSeconds(p.getEtaSeconds()).build()));
      } else if ((int) (p.getPercent() / 10) != lastDecile) {
        lastDecile = (int) (p.getPercent() / 10);
        printer.line(String.format(Locale.ROOT, "%-14s %s %s %.1f%%", "", pad(e.getStep()),
            p.getPhase(), p.getPercent()));
      }
    } else if (!e.getMessage().isEmpty() && !e.getMessage().equals(lastMessage)) {
      lastMessage = e.getMessage();
      if (terminal) {
        bar(pad(e.getStep()) + " " + e.getMessage());
      } else {
        printer.line(String.format("%-14s %s %s", "", pad(e.getStep()), e.getMessage()));
      }
    }
  }

  private void summary(ProvisionSummary s) {
    endBar();
    List<List<String>> rows = new ArrayList<>();
    // A controller from before multi-array specs sends only the one array and filesystem.
    List<Array> arrays = s.getArraysCount() > 0 ? s.getArraysList() : List.of(s.getArray());
    for (Array a : arrays) {
      rows.add(List.of("array", String.format("%s %s %s, %d/%d devices active, %s%s%s,"
              + " metadata %s, uuid %s", a.getDevice(), a.getLevel(), String.join(" ",
              a.getStatesList()), a.getActiveDevices(), a.getRaidDevices(),
          Sizes.human(a.getSizeBytes()), a.getChunkKib() == 0 ? "" : ", chunk "
              + a.getChunkKib() + "K", a.getLayout().isEmpty() ? "" : ", layout " + a.getLayout(),
          a.getMetadata(), a.getUuid())));
    }
    List<MountedFilesystem> filesystems = s.getFilesystemsCount() > 0 ? s.getFilesystemsList()
        : s.hasFilesystem() ? List.of(s.getFilesystem()) : List.of();
    for (MountedFilesystem fs : filesystems) {
      rows.add(List.of("mounted", String.format("%s on %s (%s), %s used of %s, %s free",
          fs.getDevice(), fs.getMountPoint(), fs.getType(), Sizes.human(fs.getUsedBytes()),
          Sizes.human(fs.getSizeBytes()), Sizes.human(fs.getAvailableBytes()))));
    }
    for (ConfigChange c : s.getPersistedList()) {
      rows.add(List.of("persisted", c.getPath() + ": " + c.getLine()));
    }
    for (ProvisionCheck c : s.getChecksList()) {
      rows.add(List.of("check", (c.getOk() ? "ok    " : "FAILED") + " " + c.getName() + ": "
          + c.getDetail()));
    }
    rows.add(List.of("verified", (s.getVerified() ? "yes" : "NO") + " (provision took "
        + String.format(Locale.ROOT, "%.1f s", Durations.toMillis(s.getDuration()) / 1000.0)
        + ")"));
    printer.line("");
    printer.line("Summary of " + s.getSpec().getVm());
    printer.fields(rows);
  }

  private void bar(String text) {
    printer.partial("\r\033[K" + text);
    barShown = true;
  }

  private void endBar() {
    if (barShown) {
      printer.partial("\r\033[K");
      barShown = false;
    }
  }

  private static String word(ProvisionEvent e) {
    return switch (e.getState()) {
      case STEP_DONE -> "done";
      case STEP_ALREADY_DONE -> "already done";
      case STEP_SKIPPED -> "skipped";
      case STEP_FAILED -> "FAILED";
      default -> e.getState().name();
    };
  }

  private static String pad(String step) {
    return String.format("%-" + STEP_WIDTH + "s", step);
  }

  private static String seconds(ProvisionEvent e) {
    return String.format(Locale.ROOT, "%.1f s", Durations.toMillis(e.getDuration()) / 1000.0);
  }
}
