package io.raidvm.agent.md;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.md.RaidLevel;
import java.util.List;

/**
 * Whether an array keeps running — and keeps its data — when one more member stops serving it.
 * Counts what md counts: a member serves a slot while it is in sync and not faulty; members
 * already failed, missing or still rebuilding do not.
 */
final class Survivability {

  private Survivability() {}

  /** The members that serve a slot now: in sync, not faulty. */
  static List<String> working(MdSysfs md) {
    return md.members().stream()
        .filter(m -> m.has("in_sync") && !m.has("faulty") && m.slot() >= 0)
        .map(MdSysfs.Member::name)
        .toList();
  }

  /**
   * Refuses, FAILED_PRECONDITION, when {@code member} serves a slot and the array would not
   * survive without it; {@code allowDataLoss} overrides (never {@code force}).
   *
   * @param action what the caller is about to do ("fail", "replace")
   */
  static void require(String array, MdSysfs md, String member, String memberText,
      String action, boolean allowDataLoss) {
    List<String> working = working(md);
    if (allowDataLoss || !working.contains(member)) {
      return;
    }
    int tolerated = tolerated(md);
    int lostAfter = md.raidDisks() - (working.size() - 1);
    if (lostAfter <= tolerated || survivesExactly(md, member)) {
      return;
    }
    int notServing = md.raidDisks() - working.size();
    throw RaidvmException.failedPrecondition("cannot %s %s: %s is %s with %d member slots, %d"
        + " working (%s)%s; without it %d would be left, and %s survives the loss of %s: the"
        + " array would fail and its data be lost. Rebuild the missing member first; to do it"
        + " anyway pass allow_data_loss (raidctl --allow-data-loss), never force", action,
        memberText, array, md.level(), md.raidDisks(), working.size(),
        String.join(", ", working),
        notServing == 0 ? "" : ", " + notServing + " already failed, missing or rebuilding",
        working.size() - 1, md.level(), tolerated == 0 ? "no member" : "at most " + tolerated);
  }

  /**
   * Members the level survives losing, whichever they are: raid10 with its layout's copies,
   * unknown levels 0.
   */
  static int tolerated(MdSysfs md) {
    try {
      return RaidLevel.parse(md.level()).survivableFailures(md.raidDisks(),
          RaidLevel.raid10Copies(md.layout()));
    } catch (RaidvmException unknownLevel) {
      return 0;
    }
  }

  /**
   * raid10 beyond its worst case: whether every chunk keeps a copy without {@code member}, from
   * the slots that serve now (mdadm's {@code enough()}), e.g. n2 on four members survives losing
   * one of each mirrored pair.
   */
  static boolean survivesExactly(MdSysfs md, String member) {
    if (!md.level().equals("raid10") || md.raidDisks() <= 0) {
      return false;
    }
    boolean[] avail = new boolean[md.raidDisks()];
    int count = 0;
    for (MdSysfs.Member m : md.members()) {
      boolean serves = m.has("in_sync") && !m.has("faulty") && m.slot() >= 0
          && m.slot() < avail.length && !m.name().equals(member);
      if (serves && !avail[m.slot()]) {
        avail[m.slot()] = true;
        count++;
      }
    }
    return KernelDetail.enough(md.level(), md.layout(), avail, count);
  }

  /** Whether the array's level keeps redundancy (all but raid0 and levels raidvm does not know). */
  static boolean redundant(MdSysfs md) {
    try {
      return RaidLevel.parse(md.level()).redundant();
    } catch (RaidvmException unknownLevel) {
      return false;
    }
  }

  /**
   * Refuses, FAILED_PRECONDITION, an array without redundancy.
   *
   * @param what what it therefore has not ("a spare", "a write-intent bitmap")
   */
  static void requireRedundant(String array, MdSysfs md, String what) {
    if (!redundant(md)) {
      throw RaidvmException.failedPrecondition("%s is %s: it has no redundancy, so no %s",
          array, md.level().isEmpty() ? "inactive" : md.level(), what);
    }
  }
}
