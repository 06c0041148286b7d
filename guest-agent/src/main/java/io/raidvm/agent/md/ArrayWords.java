package io.raidvm.agent.md;

import java.util.List;
import java.util.Locale;

/** An array's condition in words, from what md sysfs says: what `raid show` prints first. */
final class ArrayWords {

  private ArrayWords() {}

  /**
   * True when the array is auto-read-only and holds back a resync or a recovery that md will
   * start only at the first write (after a power cut, or assembled by the initramfs).
   */
  static boolean heldByAutoReadOnly(MdSysfs md) {
    return md.arrayState().equals("read-auto") && !md.syncing() && !SyncFollower.settled(md);
  }

  static String describe(MdSysfs md) {
    if (md.arrayState().equals("inactive") || md.arrayState().equals("clear")) {
      return "inactive: not running (assemble it to use it)";
    }
    if (md.syncAction().isEmpty()) {
      return String.format("%s: %d members, no redundancy", md.arrayState(), md.members().size());
    }
    int working = Survivability.working(md).size();
    int tolerated = Survivability.tolerated(md);
    String slots = String.format("%d of %d member slots working", working, md.raidDisks());
    if (md.raidDisks() - working > tolerated) {
      return String.format("FAILED: %s; %s survives the loss of %d: its data cannot be read"
          + " whole", slots, md.level(), tolerated);
    }
    if (heldByAutoReadOnly(md)) {
      String held = md.resyncStart().equals("none") ? "a recovery onto " + rebuilding(md)
          : "a resync";
      return "auto-read-only: " + slots + "; " + held + " is pending until the first write (it"
          + " came back after a power cut or an unclean stop); raidctl raid wait resumes it";
    }
    String condition = working < md.raidDisks() ? "degraded" : "clean";
    if (md.syncing()) {
      return String.format("%s: %s, %s %s (%.1f %%)", condition, slots, verb(md.syncAction()),
          md.syncAction().equals("recover") ? rebuilding(md) : "",
          SyncFollower.progress(md).getPercent()).replace("  (", " (");
    }
    return condition + ": " + slots;
  }

  private static String verb(String action) {
    return switch (action) {
      case "recover" -> "recovering";
      case "resync" -> "resyncing";
      case "check" -> "checking";
      case "repair" -> "repairing";
      case "reshape" -> "reshaping";
      default -> action.toLowerCase(Locale.ROOT);
    };
  }

  /** The members that are not in sync but not faulty: what a recovery writes to. */
  private static String rebuilding(MdSysfs md) {
    List<String> names = md.members().stream()
        .filter(m -> !m.has("in_sync") && !m.has("faulty"))
        .map(MdSysfs.Member::name).toList();
    return names.isEmpty() ? "a spare" : String.join(", ", names);
  }
}
