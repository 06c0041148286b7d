package io.raidvm.controller.metrics;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.SyncStatus;
import java.util.List;
import java.util.Set;

/**
 * One array's figures, as the agent reports them ({@code Raid.ListArrays}), as gauges. First
 * node_exporter's md collector's names and labels ({@code node_md_*}, with {@code device} the
 * array's name as in /proc/mdstat), so that dashboards and alert rules written for it work on a
 * raidvm guest, each with a {@code vm} label more, and the same values it would read from the
 * guest's /proc/mdstat (checked against captured pairs of both); then raidvm's own
 * ({@code raidvm_md_*}).
 * Pure: tested on captured agent answers.
 */
final class ArrayMetrics {

  /** node_md_state's states, as node_exporter gives them. */
  static final List<String> STATES = List.of("active", "inactive", "recovering", "resync",
      "check");
  /** md's sync_action values. */
  static final List<String> ACTIONS = List.of("idle", "resync", "recover", "check", "repair",
      "reshape", "frozen");
  private static final Set<String> NOT_RUNNING = Set.of("", "idle", "frozen");

  private ArrayMetrics() {}

  static void add(Gauges g, String vm, Array a) {
    String[] id = {"vm", vm, "device", a.getName()};
    g.addOneOf("node_md_state", "Indicates the state of md-device.", "state", STATES, state(a),
        id);
    disks(g, id, "active", a.getActiveDevices());
    disks(g, id, "failed", a.getFailedDevices());
    // /proc/mdstat marks only a waiting spare (S); mdadm's count has the one being rebuilt too.
    disks(g, id, "spare", a.getMembersList().stream().filter(m -> m.getState().equals("spare"))
        .count());
    g.add("node_md_disks_required", "Total number of disks of device.", a.getRaidDevices(), id);
    g.add("node_md_raid_disks", "Number of raid disks on device.", a.getRaidDevices(), id);
    g.add("node_md_degraded", "Number of degraded disks on device.", a.getDegraded(), id);
    long blocks = a.getSizeBytes() / 1024;
    g.add("node_md_blocks", "Total number of blocks on device.", blocks, id);
    g.add("node_md_blocks_synced", "Number of blocks synced on device.",
        running(a.getSync()) ? a.getSync().getDoneSectors() / 2 : blocks, id);

    SyncStatus sync = a.getSync();
    String action = sync.getAction().isEmpty() ? "idle" : sync.getAction();
    g.addOneOf("raidvm_md_sync_action", "md's sync_action of the array: 1 for the current one.",
        "action", ACTIONS, action, id);
    if (running(sync)) {
      g.add("raidvm_md_sync_progress_ratio", "How far the running sync (resync, recovery,"
          + " check, repair, reshape) is, 0 to 1; absent while none runs.",
          sync.getPercent() / 100, id);
      g.add("raidvm_md_sync_remaining_seconds", "md's estimate of the time the running sync"
          + " still takes; absent while none runs.", sync.getEtaSeconds(), id);
    }
    g.add("raidvm_md_sync_speed_bytes_per_second", "Speed of the running sync; 0 while none"
        + " runs.", running(sync) ? sync.getSpeedKibPerS() * 1024.0 : 0, id);
    g.add("raidvm_md_mismatch_sectors", "md's mismatch_cnt: sectors found inconsistent by the"
        + " last check or repair.", a.getMismatchCount(), id);
  }

  private static void disks(Gauges g, String[] id, String state, long count) {
    g.add("node_md_disks", "Number of active/failed/spare disks of device.", count, id[0], id[1],
        id[2], id[3], "state", state);
  }

  /**
   * What node_exporter reads from /proc/mdstat: inactive, else the kind of sync that runs
   * (the kernel shows a repair as "resync" there, and a reshape as none of these), else active.
   * A sync that is pending or delayed does not run: active.
   */
  static String state(Array a) {
    if (a.getArrayState().equals("inactive") || a.getLevel().isEmpty()) {
      return "inactive";
    }
    if (!running(a.getSync())) {
      return "active";
    }
    return switch (a.getSync().getAction()) {
      case "recover" -> "recovering";
      case "resync", "repair" -> "resync";
      case "check" -> "check";
      default -> "active";
    };
  }

  private static boolean running(SyncStatus sync) {
    return !NOT_RUNNING.contains(sync.getAction()) && !sync.getDelayed() && !sync.getPending();
  }
}
