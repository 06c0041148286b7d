package io.raidvm.cli.raid;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Member;
import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.cli.support.Printer;
import io.raidvm.common.Sizes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** An md array as mdadm --detail would show it, shorter. */
final class ArrayPrinter {

  private ArrayPrinter() {}

  static void print(Printer printer, Array a) {
    List<List<String>> f = new ArrayList<>();
    f.add(List.of("array", a.getDevice()));
    f.add(List.of("condition", a.getSummary()));
    f.add(List.of("level", a.getLevel()));
    f.add(List.of("state", String.join(", ", a.getStatesList())));
    f.add(List.of("size", Sizes.human(a.getSizeBytes())));
    f.add(List.of("devices", a.getActiveDevices() + " active of " + a.getRaidDevices()
        + ", " + a.getSpareDevices() + " spare, " + a.getFailedDevices() + " failed"));
    f.add(List.of("chunk", a.getChunkKib() == 0 ? "-" : a.getChunkKib() + " KiB"));
    if (!a.getLayout().isEmpty()) {
      f.add(List.of("layout", a.getLayout()));
    }
    f.add(List.of("survives", a.getSurvivableFailures() == 1 ? "the loss of any 1 member"
        : "the loss of any " + a.getSurvivableFailures() + " members"));
    f.add(List.of("metadata", a.getMetadata()));
    f.add(List.of("uuid", a.getUuid()));
    f.add(List.of("name", a.getMdName()));
    f.add(List.of("bitmap", a.getBitmap()));
    f.add(List.of("sync", sync(a.getSync())));
    f.add(List.of("mismatches", String.valueOf(a.getMismatchCount())));
    printer.fields(f);
    printer.table(List.of("ROLE", "DEVICE", "STATE", "FLAGS"), a.getMembersList().stream()
        .filter(m -> !idleSpare(m)).map(ArrayPrinter::row).toList());
    List<List<String>> spares = a.getMembersList().stream().filter(ArrayPrinter::idleSpare)
        .map(m -> List.of(m.getDevice(), m.getState(), String.join(",", m.getFlagsList())))
        .toList();
    if (!spares.isEmpty()) {
      printer.table(List.of("SPARE", "STATE", "FLAGS"), spares);
    }
  }

  /**
   * A hot spare md keeps idle: listed apart from the members that hold the array's data. A spare
   * md is rebuilding into a slot ("rebuilding") stays with the members.
   */
  static boolean idleSpare(Member m) {
    return m.getState().equals("spare");
  }

  static void table(Printer printer, List<Array> arrays) {
    printer.table(List.of("ARRAY", "LEVEL", "STATE", "SIZE", "DEVICES", "SYNC"),
        arrays.stream().map(a -> List.of(a.getName(), a.getLevel(),
            String.join(",", a.getStatesList()), Sizes.human(a.getSizeBytes()),
            a.getActiveDevices() + "/" + a.getRaidDevices(), sync(a.getSync()))).toList());
  }

  private static List<String> row(Member m) {
    return List.of(m.getRole() < 0 ? "-" : String.valueOf(m.getRole()), m.getDevice(),
        m.getState(), String.join(",", m.getFlagsList()));
  }

  private static String sync(SyncStatus s) {
    if (s.getAction().isEmpty() || s.getAction().equals("idle")) {
      return "idle";
    }
    String text = String.format(Locale.ROOT, "%s %.1f%%", s.getAction(), s.getPercent());
    if (s.getDelayed()) {
      text += " (delayed)";
    }
    return s.getEtaSeconds() > 0 ? text + ", " + s.getEtaSeconds() + " s left" : text;
  }
}
