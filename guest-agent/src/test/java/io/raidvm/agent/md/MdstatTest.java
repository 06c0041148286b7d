package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.md.MdstatMember.Flag;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestSuites;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** /proc/mdstat as captured in the guest (kernel 6.1), one stage of the seed at a time. */
class MdstatTest {

  private static Mdstat mdstat(String fixture) {
    return Mdstat.parse(Fixtures.read("guest/" + fixture));
  }

  private static MdstatArray array(String fixture, String name) {
    return mdstat(fixture).array(name).orElseThrow();
  }

  @Test
  void noArrays_stillListsThePersonalities() {
    Mdstat none = mdstat("00-boot/mdstat-before-md-loaded.stdout");

    assertEquals(List.of("linear", "multipath", "raid0", "raid1", "raid6", "raid5", "raid4",
        "raid10"), none.personalities());
    assertEquals(List.of(), none.arrays());
  }

  @Test
  void raid5RightAfterCreate_isRecoveringOntoItsLastMember() {
    MdstatArray md = array("03-raid5-create/mdstat.stdout", "md127");

    assertTrue(md.active());
    assertEquals("", md.readOnly());
    assertEquals("raid5", md.level());
    assertEquals(List.of("sde1", "sdd1", "sdc1", "sdb1"),
        md.members().stream().map(MdstatMember::name).toList());
    assertEquals(4, md.members().get(0).number());
    assertEquals(192000, md.blocks());
    assertEquals("1.0", md.superVersion());
    assertEquals(512, md.chunkKib());
    assertEquals(2, md.algorithm());
    assertEquals(4, md.raidDisks());
    assertEquals(3, md.workingDisks());
    assertEquals("UUU_", md.status());
    assertEquals(new MdstatProgress("recovery", 1.5, 1152, 64000, 2.6, 384),
        md.progress().orElseThrow());
    assertEquals("", md.bitmap());
  }

  @Test
  void healthyRaid5_hasNoProgress() {
    MdstatArray md = array("04-raid5-synced/mdstat.stdout", "md127");

    assertEquals("UUUU", md.status());
    assertEquals(4, md.workingDisks());
    assertTrue(md.progress().isEmpty());
    assertFalse(md.delayed() || md.pending());
  }

  @Test
  void check_andRepair_whichMdstatCallsResync() {
    assertEquals("check", array("06-check/mdstat-checking.stdout", "md127").progress()
        .orElseThrow().action());
    MdstatProgress repair = array("06-check/mdstat-repairing.stdout", "md127").progress()
        .orElseThrow();
    assertEquals("resync", repair.action());
    assertEquals(16.6, repair.percent());
  }

  @Test
  void failedMember_isFlaggedF() {
    MdstatArray md = array("07-fail/mdstat.stdout", "md127");

    assertEquals(Set.of(Flag.FAULTY), md.member("sdc1").orElseThrow().flags());
    assertEquals(Set.of(), md.member("sdb1").orElseThrow().flags());
    assertEquals("U_UU", md.status());
  }

  @Test
  void recoveryAfterAdd() {
    MdstatProgress p = array("10-recovery/mdstat.stdout", "md127").progress().orElseThrow();

    assertEquals("recovery", p.action());
    assertEquals(1792, p.doneKib());
  }

  @Test
  void raid1s_delayedResync_spare_writeMostly_bitmap_andRaid0WithoutDiskCounts() {
    Mdstat all = mdstat("14-raid1-partitions/mdstat-delayed.stdout");

    assertEquals(List.of("md123", "md124", "md125", "md0", "md127"),
        all.arrays().stream().map(MdstatArray::name).toList());
    MdstatArray raid0 = all.array("md123").orElseThrow();
    assertEquals("raid0", raid0.level());
    assertEquals(512, raid0.chunkKib());
    assertEquals(0, raid0.raidDisks());
    assertEquals("", raid0.status());
    assertEquals("1.2", raid0.superVersion());
    MdstatArray spare = all.array("md124").orElseThrow();
    assertTrue(spare.delayed());
    assertEquals(Set.of(Flag.SPARE), spare.member("sdf3").orElseThrow().flags());
    assertEquals("1/1 pages [4KB], 65536KB chunk", spare.bitmap());
    assertEquals(0, spare.chunkKib());
    MdstatArray writeMostly = all.array("md125").orElseThrow();
    assertEquals(Set.of(Flag.WRITE_MOSTLY), writeMostly.member("sdf1").orElseThrow().flags());
    assertEquals(new MdstatProgress("resync", 13.7, 2048, 14336, 1.7, 113),
        writeMostly.progress().orElseThrow());
    assertFalse(writeMostly.delayed());
  }

  @Test
  void autoReadOnly_withResyncPending() {
    Mdstat all = mdstat("15-auto-read-only/mdstat-auto-read-only.stdout");

    MdstatArray md124 = all.array("md124").orElseThrow();
    assertEquals("auto-read-only", md124.readOnly());
    assertEquals("raid1", md124.level());
    assertTrue(md124.pending());
    assertFalse(md124.delayed());
    assertEquals("", all.array("md127").orElseThrow().readOnly());
  }

  @Test
  void inactiveArray_hasNoLevel_andItsMembersAreSpares() {
    Mdstat all = mdstat("18-inactive/mdstat-inactive-incremental.stdout");

    MdstatArray md = all.array("md127").orElseThrow();
    assertFalse(md.active());
    assertEquals("", md.level());
    assertEquals(64476, md.blocks());
    assertEquals("1.0", md.superVersion());
    assertEquals(Set.of(Flag.SPARE), md.member("sdb1").orElseThrow().flags());
    MdstatArray failed = all.array("md125").orElseThrow();
    assertEquals(Set.of(Flag.FAULTY), failed.member("sdi1").orElseThrow().flags());
    assertEquals(Set.of(Flag.WRITE_MOSTLY), failed.member("sdf1").orElseThrow().flags());
    assertEquals("_U", failed.status());
  }

  /** 04's healthy RAID 5 on every suite (kernel 6.1 and 6.12 print it alike). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.raidvm.agent.testing.GuestSuites#folders")
  void healthyRaid5_readsTheSameOnEverySuite(String folder) {
    MdstatArray md = Mdstat.parse(GuestSuites.read(folder, "04-raid5-synced/mdstat.stdout"))
        .array("md127").orElseThrow();

    assertTrue(md.active());
    assertEquals(List.of("raid5", "1.0", "UUUU", ""),
        List.of(md.level(), md.superVersion(), md.status(), md.bitmap()));
    assertEquals(List.of(4, 4, 512, 2),
        List.of(md.raidDisks(), md.workingDisks(), md.chunkKib(), md.algorithm()));
    assertEquals(4, md.members().size());
    assertTrue(md.members().stream().allMatch(m -> m.flags().isEmpty()), md.toString());
    assertFalse(md.progress().isPresent());
  }

  /**
   * 16 on every suite: md refused to fail md125's last working member. Kernel 6.1 still calls
   * the RAID 1 "active", 6.12 "broken"; either way it runs, one of two members failed, and no
   * array of the file is lost to the word.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.raidvm.agent.testing.GuestSuites#folders")
  void raid1ThatRefusedToFailItsLastMember_isRunning(String folder) {
    Mdstat mdstat = Mdstat.parse(
        GuestSuites.read(folder, "16-errors/mdstat-after-fail-too-many.stdout"));
    MdstatArray md = mdstat.array("md125").orElseThrow();

    assertEquals(List.of("md125", "md124", "md123", "md0", "md127"),
        mdstat.arrays().stream().map(MdstatArray::name).toList());
    assertTrue(md.active());
    assertEquals(List.of("raid1", "_U"), List.of(md.level(), md.status()));
    assertEquals(List.of(2, 1), List.of(md.raidDisks(), md.workingDisks()));
    assertEquals(1, md.members().stream().filter(m -> m.flags().contains(Flag.FAULTY)).count(),
        md.toString());
  }
}
