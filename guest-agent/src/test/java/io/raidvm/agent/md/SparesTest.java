package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot spares on captured arrays: added only where they stay spares, removed only when idle. */
class SparesTest {

  private static final List<String> ADD_SDF1 =
      List.of("mdadm", "--manage", "/dev/md127", "--add", "/dev/sdf1");

  @TempDir
  Path root;

  private MdGuest guest;
  private Spares spares;

  @BeforeEach
  void guest() {
    guest = new MdGuest(root);
    spares = new Spares(guest.context());
  }

  @Test
  void add_toAHealthyArray_runsMdadmAdd() {
    guest.mdstat("04-raid5-synced/mdstat").sysfs("04-raid5-synced/sysfs-md127")
        .detail("04-raid5-synced", "").blank("/dev/sdf1")
        .answer(ADD_SDF1, 0, "", "mdadm: added /dev/sdf1\n");

    spares.add("md127", "sdf1", false);

    assertEquals(List.of(String.join(" ", ADD_SDF1)), guest.events);
  }

  @Test
  void add_toADegradedArray_isRefused_becauseMdWouldRebuildOntoIt_andRunsNothing() {
    guest.sysfs("07-fail/sysfs-md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> spares.add("md127", "sdf1", false));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("md127 misses 1 member(s): md would rebuild onto /dev/sdf1 (sdf1) at once"
        + " instead of keeping it as a spare; to rebuild, add it as a member (raidctl raid add)",
        e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void add_toRaid0_isRefused_andRunsNothing() {
    guest.sysfs("14-raid1-partitions/sysfs-md123");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> spares.add("md127", "sdf1", false));

    assertEquals("md127 is raid0: it has no redundancy, so no spare to rebuild onto",
        e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void remove_anActiveMember_isRefused_andRunsNothing() {
    guest.sysfs("04-raid5-synced/sysfs-md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> spares.remove("md127", "d1-part1"));

    assertEquals("/dev/sdb1 (d1-part1) is an active member of md127 (slot 0), not a spare: to"
        + " take it out, fail it and remove it (raidctl raid fail, raid remove)",
        e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  /** 10-recovery: sdc1 is "spare" in slot 1, being rebuilt. */
  @Test
  void remove_aSpareBeingRebuilt_isRefused_andRunsNothing() {
    guest.sysfs("10-recovery/sysfs-md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> spares.remove("md127", "sdc1"));

    assertEquals("/dev/sdc1 (sdc1) is no longer a spare: md is rebuilding it into slot 1 of"
        + " md127. To take it out, fail it and remove it (raidctl raid fail, raid remove)",
        e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  /** md124 of step 14 (a RAID 1 with the spare sdf3, d6's third partition), seen as md127. */
  @Test
  void remove_anIdleSpare_runsMdadmRemove() {
    guest.tree.partition("sdf", "sdf3");
    List<String> remove = List.of("mdadm", "--manage", "/dev/md127", "--remove", "/dev/sdf3");
    guest.mdstat("04-raid5-synced/mdstat").sysfs("14-raid1-partitions/sysfs-md124")
        .detail("04-raid5-synced", "").answer(remove, 0, "", "mdadm: hot removed /dev/sdf3\n");

    spares.remove("md127", "sdf3");

    assertEquals(List.of(String.join(" ", remove)), guest.events);
  }
}
