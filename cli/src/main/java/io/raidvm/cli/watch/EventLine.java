package io.raidvm.cli.watch;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.Snapshot;
import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import java.time.Instant;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One event as one line, in mdadm --monitor's words, led by the EPOCH:SEQ that --after takes:
 * {@code e7c…:12 2026-11-25T13:44:16Z md127 RebuildProgress resync 42.0%, 20000 KiB/s, 30 s
 * left}.
 */
public final class EventLine {

  private EventLine() {}

  public static String of(WatchEvent event) {
    Instant time = Instant.ofEpochSecond(event.getTime().getSeconds(), event.getTime().getNanos());
    return event.getEpoch() + ":" + event.getSequence() + " " + time + " " + body(event);
  }

  private static String body(WatchEvent event) {
    return switch (event.getBodyCase()) {
      case SNAPSHOT -> snapshot(event.getSnapshot());
      case MD -> md(event.getMd());
      case VM -> vm(event.getVm());
      default -> "(unknown event)";
    };
  }

  private static String snapshot(Snapshot s) {
    String arrays = s.getArraysCount() == 0 ? "no arrays" : s.getArraysList().stream()
        .map(a -> (a.getName() + " " + a.getLevel() + " " + String.join(",", a.getStatesList())
            + sync(a)).strip())
        .collect(Collectors.joining("; "));
    return "Snapshot" + (s.getGap() ? " (gap: " + s.getReason() + ")" : "") + ": " + arrays;
  }

  private static String sync(Array a) {
    String action = a.getSync().getAction();
    return action.isEmpty() || action.equals("idle") ? "" : " " + progress(a.getSync());
  }

  private static String md(MdEvent e) {
    StringBuilder line = new StringBuilder(e.getArray()).append(' ').append(words(e.getKind()));
    if (!e.getDevice().isEmpty()) {
      line.append(' ').append(e.getDevice());
    }
    switch (e.getKind()) {
      case REBUILD_STARTED, REBUILD_PROGRESS -> line.append(' ').append(progress(e.getSync()));
      case REBUILD_FINISHED -> line.append(' ').append(e.getSyncAction())
          .append(", mismatches ").append(e.getMismatchCount());
      case DEGRADED_ARRAY -> line.append(", ").append(e.getDegraded()).append(" missing");
      default -> { }
    }
    return line.toString();
  }

  private static String vm(VmEvent e) {
    StringBuilder line = new StringBuilder(e.getVm()).append(' ').append(words(e.getKind()));
    if (!e.getDisk().isEmpty()) {
      line.append(' ').append(e.getDisk());
    }
    if (!e.getDetail().isEmpty()) {
      line.append(": ").append(e.getDetail());
    }
    return line.toString();
  }

  /** "resync 42.0%, 20000 KiB/s, 30 s left". */
  public static String progress(SyncStatus s) {
    StringBuilder text = new StringBuilder(s.getAction())
        .append(String.format(Locale.ROOT, " %.1f%%", s.getPercent()));
    if (s.getDelayed() || s.getPending()) {
      text.append(s.getDelayed() ? " (delayed)" : " (pending)");
    }
    if (s.getSpeedKibPerS() > 0) {
      text.append(", ").append(s.getSpeedKibPerS()).append(" KiB/s");
    }
    if (s.getEtaSeconds() > 0) {
      text.append(", ").append(s.getEtaSeconds()).append(" s left");
    }
    return text.toString();
  }

  /** REBUILD_PROGRESS → RebuildProgress, as mdadm --monitor names its events. */
  private static String words(Enum<?> kind) {
    StringBuilder name = new StringBuilder();
    for (String word : kind.name().split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return name.toString();
  }
}
