package io.raidvm.cli.raid;

import io.raidvm.api.agent.v1.SyncStatus;
import java.util.Locale;

/** A sync's progress as one line: "md127 resync [#####-----]  42.0%  19.5 MiB/s  ETA 0:30". */
public final class SyncBar {

  static final int WIDTH = 30;

  private SyncBar() {}

  public static String render(String array, SyncStatus sync) {
    int filled = (int) Math.round(Math.max(0, Math.min(100, sync.getPercent())) * WIDTH / 100);
    StringBuilder line = new StringBuilder(array).append(' ').append(sync.getAction())
        .append(" [").append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append(']')
        .append(String.format(Locale.ROOT, " %5.1f%%", sync.getPercent()));
    if (sync.getSpeedKibPerS() > 0) {
      line.append(String.format(Locale.ROOT, "  %.1f MiB/s", sync.getSpeedKibPerS() / 1024.0));
    }
    if (sync.getEtaSeconds() > 0) {
      line.append("  ETA ").append(duration(sync.getEtaSeconds()));
    }
    return line.toString();
  }

  /** 75 → "1:15", 3700 → "1:01:40". */
  static String duration(long seconds) {
    long h = seconds / 3600;
    long m = seconds / 60 % 60;
    long s = seconds % 60;
    return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
        : String.format(Locale.ROOT, "%d:%02d", m, s);
  }
}
