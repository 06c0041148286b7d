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
    if (lostAfter <= tolerated) {
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

  /** Members the level survives losing: raid10 counted for its worst case, unknown levels 0. */
  static int tolerated(MdSysfs md) {
    try {
      return RaidLevel.parse(md.level()).survivableFailures(md.raidDisks());
    } catch (RaidvmException unknownLevel) {
      return 0;
    }
  }
}
