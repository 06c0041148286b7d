package io.raidvm.controller.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.api.controller.v1.DrillOutcome;
import io.raidvm.api.controller.v1.FaultKind;
import io.raidvm.common.md.RaidLevel;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A drill's end, judged from the array and the files — never from which steps ran. */
class DrillVerdictTest {

  private static final List<FileChecksum> WRITTEN = List.of(file("/mnt/a-1", "aa"),
      file("/mnt/a-2", "bb"));

  private static FileChecksum file(String path, String sha) {
    return FileChecksum.newBuilder().setPath(path).setSizeBytes(1 << 20).setSha256(sha).build();
  }

  private static DrillPlan plan(RaidLevel level, String second) {
    return plan(level, FaultKind.PULL, second);
  }

  private static DrillPlan plan(RaidLevel level, FaultKind fault, String second) {
    return new DrillPlan("vm1", "md127", level, fault, "d3", "/dev/sdd1", "d3-part1", second,
        "d3-drill", "/mnt/raidvm-drill", 2, 1 << 20, 0);
  }

  private static Array array(String level, String state, int raidDevices, int degraded) {
    return Array.newBuilder().setName("md127").setLevel(level).setArrayState(state)
        .setRaidDevices(raidDevices).setDegraded(degraded)
        .setSummary(degraded == 0 ? "clean" : "degraded by " + degraded).build();
  }

  @Test
  void aWholeArray_withEveryFile_survived() {
    DrillVerdict v = DrillVerdict.judge(plan(RaidLevel.RAID5, ""), array("raid5", "clean", 3, 0),
        WRITTEN, Optional.of(WRITTEN), false);
    assertEquals(DrillOutcome.SURVIVED, v.outcome());
    assertTrue(v.filesIntact());
    assertTrue(v.nextSteps().contains("d3-drill in place of d3")
        && v.nextSteps().contains("raidctl disk detach vm1 d3"), v.nextSteps());
  }

  @Test
  void raid5_secondFaultDuringTheRebuild_isDataLoss_namingTheFiles() {
    DrillVerdict v = DrillVerdict.judge(plan(RaidLevel.RAID5, "d1"),
        array("raid5", "clean", 3, 2), WRITTEN, Optional.empty(), true);
    assertEquals(DrillOutcome.DATA_LOSS, v.outcome());
    assertEquals(List.of("/mnt/a-1", "/mnt/a-2"), v.failedFiles());
    assertTrue(v.nextSteps().startsWith("DATA LOSS: disk d1 was pulled while d3-drill was"
        + " rebuilding, and a raid5 survives 1 missing member only"), v.nextSteps());
    assertTrue(v.nextSteps().contains("raidctl disk attach vm1 d1"), v.nextSteps());
  }

  @Test
  void anArrayStillRunning_butAFileThatNoLongerVerifies_isDataLoss() {
    DrillVerdict v = DrillVerdict.judge(plan(RaidLevel.RAID5, ""), array("raid5", "clean", 3, 0),
        WRITTEN, Optional.of(List.of(WRITTEN.get(0), file("/mnt/a-2", "cc"))), false);
    assertEquals(DrillOutcome.DATA_LOSS, v.outcome());
    assertEquals(List.of("/mnt/a-2"), v.failedFiles());
  }

  @Test
  void anInactiveArray_isDataLoss_evenWhenTheFilesReadBack() {
    DrillVerdict v = DrillVerdict.judge(plan(RaidLevel.RAID5, "d1"), array("", "inactive", 3, 0),
        WRITTEN, Optional.of(WRITTEN), true);
    assertEquals(DrillOutcome.DATA_LOSS, v.outcome());
    assertTrue(v.filesIntact());
  }

  @Test
  void raid6_secondFaultDuringTheRebuild_survives_degradedByTheSecondDisk() {
    DrillVerdict v = DrillVerdict.judge(plan(RaidLevel.RAID6, "d1"),
        array("raid6", "clean", 4, 1), WRITTEN, Optional.of(WRITTEN), true);
    assertEquals(DrillOutcome.SURVIVED, v.outcome());
    assertFalse(v.nextSteps().contains("DATA LOSS"));
    assertTrue(v.nextSteps().contains("the raid6 lost a second member (disk d1")
        && v.nextSteps().contains("raidctl raid replace vm1 md127 d1-part1"), v.nextSteps());
  }

  @Test
  void aCorruptionThatHitAFile_isDataLoss_sayingWhatMdCannotTell() {
    DrillVerdict v = DrillVerdict.judge(plan(RaidLevel.RAID5, FaultKind.CORRUPT, ""),
        array("raid5", "clean", 3, 0), WRITTEN, Optional.of(List.of(WRITTEN.get(0),
            file("/mnt/a-2", "cc"))), false);
    assertEquals(DrillOutcome.DATA_LOSS, v.outcome());
    assertEquals(List.of("/mnt/a-2"), v.failedFiles());
    assertTrue(v.nextSteps().contains("cannot tell which chunk of a stripe is wrong"),
        v.nextSteps());
  }

  @Test
  void aCorruptionThatHitNoFile_survived_andDoesNotSpeakOfANewDisk() {
    DrillVerdict v = DrillVerdict.judge(plan(RaidLevel.RAID5, FaultKind.CORRUPT, ""),
        array("raid5", "clean", 3, 0), WRITTEN, Optional.of(WRITTEN), false);
    assertEquals(DrillOutcome.SURVIVED, v.outcome());
    assertTrue(v.nextSteps().contains("hit no file's data") && !v.nextSteps().contains(
        "d3-drill"), v.nextSteps());
  }
}
