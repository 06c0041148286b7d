package io.raidvm.agent.events;

import io.raidvm.agent.md.MdSysfs;
import io.raidvm.agent.md.Mdstat;
import io.raidvm.agent.md.MdstatArray;
import io.raidvm.agent.md.MdstatMember;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Every md array at one moment, as far as events need it: /proc/mdstat (which arrays, level,
 * members) joined with each array's sysfs (array_state, degraded, sync, mismatch_cnt, member
 * state and slot), and whether each member's block device still exists.
 *
 * @param mdstat the raw text of /proc/mdstat it was built from
 * @param arrays in mdstat's order (newest first)
 */
public record MdState(String mdstat, List<ArrayState> arrays) {

  /** md not loaded, or before the first read. */
  public static final MdState EMPTY = new MdState("", List.of());

  private static final List<String> SYNC_KINDS =
      List.of("resync", "recover", "check", "repair", "reshape");

  public MdState {
    arrays = List.copyOf(arrays);
  }

  /**
   * Joins the parsers' views.
   *
   * @param sysfs an array's parsed sysfs; empty when it has none (it vanished meanwhile)
   * @param present whether a member's block device ("sdb1") exists in the system
   */
  public static MdState of(String mdstat, Function<String, Optional<MdSysfs>> sysfs,
      Predicate<String> present) {
    return new MdState(mdstat, Mdstat.parse(mdstat).arrays().stream()
        .map(entry -> ArrayState.of(entry, sysfs.apply(entry.name()), present)).toList());
  }

  public Optional<ArrayState> array(String name) {
    return arrays.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  /**
   * True while some array's sync_action names a sync that is not waiting for another array: its
   * progress must be sampled, and so must the moments around its thread's start and end, which
   * md does not always signal.
   */
  public boolean syncing() {
    return arrays.stream().anyMatch(a -> SYNC_KINDS.contains(a.syncAction())
        && !a.syncCompleted().equals("delayed"));
  }

  /**
   * One array.
   *
   * @param syncAction sysfs sync_action ("idle", "recover", …); "" when the level has none
   * @param syncCompleted sysfs sync_completed: "done / total" sectors, "none" or "delayed"
   */
  public record ArrayState(String name, boolean active, String level, String arrayState,
      int raidDisks, int degraded, String syncAction, String syncCompleted, MdSysfs.Sectors sync,
      long syncSpeedKibPerS, boolean delayed, boolean pending, long mismatchCount,
      List<MemberState> members) {


    public ArrayState {
      members = List.copyOf(members);
    }

    static ArrayState of(MdstatArray entry, Optional<MdSysfs> sysfs, Predicate<String> present) {
      List<MemberState> members = entry.members().stream()
          .map(m -> MemberState.of(m, sysfs.flatMap(s -> s.member(m.name())),
              present.test(m.name())))
          .toList();
      return new ArrayState(entry.name(), entry.active(), entry.level(),
          sysfs.map(MdSysfs::arrayState).orElse(""), entry.raidDisks(),
          sysfs.map(MdSysfs::degraded).orElse(0), sysfs.map(MdSysfs::syncAction).orElse(""),
          sysfs.map(MdSysfs::syncCompleted).orElse("none"),
          sysfs.map(MdSysfs::syncSectors).orElse(new MdSysfs.Sectors(0, 0)),
          sysfs.map(MdSysfs::syncSpeedKibPerS).orElse(0L), entry.delayed(), entry.pending(),
          sysfs.map(MdSysfs::mismatchCount).orElse(0L), members);
    }

    /**
     * The sync that runs: "resync", "recover", "check", "repair" or "reshape"; "" when idle,
     * frozen, waiting for another array on the same disks (resync=DELAYED), or when no sync
     * thread runs although sync_action still names one: sync_completed says "none" in the moment
     * between a sync's end and md reaping it (and before a requested one starts).
     */
    public String syncKind() {
      boolean runs = !syncCompleted.equals("delayed") && !syncCompleted.equals("none");
      return SYNC_KINDS.contains(syncAction) && runs ? syncAction : "";
    }

    public Optional<MemberState> member(String name) {
      return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }
  }

  /**
   * One member.
   *
   * @param name the kernel name ("sdb1")
   * @param slot its role; -1 for a spare that is not rebuilding a slot, or a faulty member
   * @param flags sysfs dev-NAME/state ("in_sync", "faulty", "spare", "write_mostly", …); taken
   *     from mdstat's letters when sysfs has no entry for it
   * @param present its block device exists
   */
  public record MemberState(String name, int slot, List<String> flags, boolean present) {

    public MemberState {
      flags = List.copyOf(flags);
    }

    static MemberState of(MdstatMember entry, Optional<MdSysfs.Member> sysfs, boolean present) {
      return sysfs.map(s -> new MemberState(entry.name(), s.slot(), s.flags(), present))
          .orElseGet(() -> new MemberState(entry.name(), -1, mdstatFlags(entry), present));
    }

    private static List<String> mdstatFlags(MdstatMember entry) {
      if (entry.has(MdstatMember.Flag.FAULTY)) {
        return List.of("faulty");
      }
      return List.of(entry.has(MdstatMember.Flag.SPARE) ? "spare" : "in_sync");
    }

    public boolean faulty() {
      return flags.contains("faulty");
    }

    public boolean spare() {
      return flags.contains("spare");
    }

    /** A spare that took a slot: md rebuilds the missing member onto it. */
    public boolean rebuilding() {
      return spare() && slot >= 0;
    }

    public boolean inSync() {
      return flags.contains("in_sync");
    }
  }
}
