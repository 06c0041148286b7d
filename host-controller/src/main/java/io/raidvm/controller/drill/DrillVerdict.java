package io.raidvm.controller.drill;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.api.controller.v1.DrillOutcome;
import io.raidvm.api.controller.v1.FaultKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a drill ended with, told honestly: the files that no longer verify, whether the array is
 * still there, and what to do next. Pure. A drill that lost data must never read as a success,
 * whatever step it stopped at — so the outcome is decided here from the array and the files, not
 * from which steps ran. After a corruption it says what md can and cannot tell: it finds the
 * garbage, but a RAID 5 cannot know which chunk is wrong, so a repair keeps bad data.
 */
record DrillVerdict(DrillOutcome outcome, List<String> failedFiles, String nextSteps) {

  boolean filesIntact() {
    return failedFiles.isEmpty();
  }

  /**
   * Judges the end of a drill.
   *
   * @param after the array as the drill left it
   * @param written the files as written
   * @param read the files as read back, or empty when they could not be read at all
   * @param secondPulled whether a second disk was pulled during the rebuild
   */
  static DrillVerdict judge(DrillPlan plan, Array after, List<FileChecksum> written,
      Optional<List<FileChecksum>> read, boolean secondPulled) {
    Map<String, String> now = read.orElse(List.of()).stream()
        .collect(Collectors.toMap(FileChecksum::getPath, FileChecksum::getSha256, (a, b) -> a));
    List<String> failed = written.stream()
        .filter(f -> !f.getSha256().equals(now.get(f.getPath())))
        .map(FileChecksum::getPath).toList();
    boolean running = !after.getLevel().isEmpty() && !after.getArrayState().equals("inactive")
        && after.getDegraded() <= plan.level().survivableFailures(after.getRaidDevices());
    if (plan.fault() == FaultKind.CORRUPT) {
      return running && failed.isEmpty()
          ? new DrillVerdict(DrillOutcome.SURVIVED, failed, String.format("SURVIVED: every file"
              + " verifies: the garbage in %s's member %s hit no file's data (or only parity),"
              + " and the repair made %s's parity agree again (%s). The test files are %s-*.",
              plan.array(), plan.member(), plan.array(), after.getSummary(), plan.directory()))
          : new DrillVerdict(DrillOutcome.DATA_LOSS, failed, String.format("DATA LOSS: %s."
              + " md found the garbage as mismatches but cannot tell which chunk of a stripe"
              + " is wrong: a repair rewrites parity (or the other copies) from the data as"
              + " read, so garbage in a data chunk stays in the file. Restore those files from"
              + " a backup; %s is %s", failed.isEmpty() ? "the array is not running"
              : "files no longer verify", plan.array(), after.getSummary()));
    }
    if (!running || !failed.isEmpty()) {
      return new DrillVerdict(DrillOutcome.DATA_LOSS, failed, lost(plan, after, secondPulled));
    }
    return new DrillVerdict(DrillOutcome.SURVIVED, failed, survived(plan, after, secondPulled));
  }

  private static String lost(DrillPlan plan, Array after, boolean secondPulled) {
    String why = secondPulled
        ? String.format("disk %s was pulled while %s was rebuilding, and a %s survives %d missing"
            + " member%s only", plan.secondDisk(), plan.newDisk(), plan.level(),
            plan.level().survivableFailures(after.getRaidDevices()),
            plan.level().survivableFailures(after.getRaidDevices()) == 1 ? "" : "s")
        : "files no longer verify";
    return String.format("DATA LOSS: %s. The array is %s (%s). What it held is gone unless the"
        + " pulled disks come back: raidctl disk attach %s %s plugs %s in again, after which"
        + " mdadm --assemble --force in the guest may start the array as it was at the pull"
        + " (writes since then lost) — otherwise re-create the array and restore from a backup."
        + " The test files are %s-*", why, after.getArrayState().isEmpty() ? "gone"
        : after.getArrayState(), after.getSummary(), plan.vm(),
        secondPulled ? plan.secondDisk() : plan.disk(), secondPulled ? plan.secondDisk()
        : plan.disk(), plan.directory());
  }

  private static String survived(DrillPlan plan, Array after, boolean secondPulled) {
    String pulled = String.format("Disk %s stays in VM %s's spec, marked pulled: raidctl disk"
        + " detach %s %s takes it out, raidctl disk delete %s removes it.", plan.disk(),
        plan.vm(), plan.vm(), plan.disk(), plan.disk());
    if (secondPulled) {
      return String.format("SURVIVED: the %s lost a second member (disk %s, pulled during the"
          + " rebuild) and kept every file; it runs degraded (%s). Replace the second one:"
          + " raidctl raid replace %s %s %s-part1 --new-disk NEW --create-size SIZE. %s"
          + " So does %s.", plan.level(), plan.secondDisk(), after.getSummary(), plan.vm(),
          plan.array(), plan.secondDisk(), pulled, plan.secondDisk());
    }
    return String.format("SURVIVED: %s is whole again with %s in place of %s. %s The test files"
        + " are %s-*.", plan.array(), plan.newDisk(), plan.disk(), pulled,
        plan.directory());
  }
}
