package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The words `raid show` starts with, on md sysfs captured in the guest. */
class ArrayWordsTest {

  @TempDir
  Path root;

  /** md sysfs as captured in the guest, read the way the agent reads it. */
  private MdSysfs captured(String dir) {
    new MdGuest(root).sysfs(dir);
    return new MdKernelFiles(root).sysfs("md127");
  }

  @Test
  void aHealthyRaid5_isClean_withEverySlotWorking() {
    assertEquals("clean: 4 of 4 member slots working",
        ArrayWords.describe(captured("04-raid5-synced/sysfs-md127")));
  }

  @Test
  void aRaid5WithAFailedMember_isDegraded() {
    assertEquals("degraded: 3 of 4 member slots working",
        ArrayWords.describe(captured("07-fail/sysfs-md127")));
  }

  @Test
  void aRecovery_namesTheMemberItWritesTo_andItsProgress() {
    String words = ArrayWords.describe(captured("10-recovery/sysfs-md127"));

    assertEquals(true, words.startsWith("degraded: 3 of 4 member slots working, recovering"
        + " sdc1 ("), words);
  }

  @Test
  void anAutoReadOnlyArrayWithAPendingResync_saysSo_andWhatResumesIt() {
    MdSysfs md = captured("15-auto-read-only/sysfs-md124");

    assertEquals(true, ArrayWords.heldByAutoReadOnly(md));
    assertEquals("auto-read-only: 2 of 2 member slots working; a resync is pending until the"
        + " first write (it came back after a power cut or an unclean stop); raidctl raid wait"
        + " resumes it", ArrayWords.describe(md));
  }

  @Test
  void aRaid5WithTwoMembersGone_isFailed() {
    MdSysfs degraded = captured("07-fail/sysfs-md127");
    List<MdSysfs.Member> members = degraded.members().stream()
        .map(m -> m.name().equals("sdb1")
            ? new MdSysfs.Member(m.name(), List.of("faulty"), -1, 0) : m).toList();
    MdSysfs failed = new MdSysfs(degraded.arrayState(), degraded.syncAction(),
        degraded.syncCompleted(), 0, 2, 0, degraded.level(), degraded.raidDisks(),
        degraded.chunkBytes(), degraded.metadataVersion(), degraded.resyncStart(),
        degraded.layout(), degraded.uuid(), members, degraded.reshapePosition());

    assertEquals("FAILED: 2 of 4 member slots working; raid5 survives the loss of 1: its data"
        + " cannot be read whole", ArrayWords.describe(failed));
  }
}
