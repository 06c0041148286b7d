package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.md.RaidLevel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a grow asks of md, and what it refuses, judged from md sysfs captured in the guest. */
class ReshapePlanTest {

  private static final String RAID5_OF_4 = "04-raid5-synced/sysfs-md127";

  @TempDir
  Path root;

  private MdGuest guest;

  private MdSysfs captured(String dir) {
    if (guest == null) {
      guest = new MdGuest(root);
    }
    guest.sysfs(dir);
    return new MdKernelFiles(root).sysfs("md127");
  }

  private static ReshapePlan.Request wanted(String level, int devices, int chunk) {
    return new ReshapePlan.Request(level, devices, chunk);
  }

  private RaidvmException refused(String dir, ReshapePlan.Request request, int adding,
      int spares) {
    MdSysfs md = captured(dir);
    return assertThrows(RaidvmException.class,
        () -> ReshapePlan.of("md127", md, request, adding, spares));
  }

  @Test
  void oneDiskMore_growsByOneMember() {
    ReshapePlan plan = ReshapePlan.of("md127", captured(RAID5_OF_4), wanted("", 0, 0), 1, 0);

    assertEquals(List.of("--raid-devices=5"), plan.options());
    assertEquals("raid5 of 5 members, chunk 512 KiB", plan.describe());
  }

  @Test
  void raid5ToRaid6_takesOneMemberMore() {
    ReshapePlan plan = ReshapePlan.of("md127", captured(RAID5_OF_4), wanted("6", 0, 0), 1, 0);

    assertEquals(List.of("--level=6", "--raid-devices=5"), plan.options());
    assertEquals(RaidLevel.RAID6, plan.level());
  }

  @Test
  void raid5ToRaid6_withoutAMemberMore_isRefused_naming_whatIsMissing() {
    RaidvmException e = refused(RAID5_OF_4, wanted("raid6", 0, 0), 0, 0);

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("raid5 becomes raid6 with exactly one member more: 5, not 4 (the new member"
        + " holds the second parity)", e.getMessage());
  }

  @Test
  void aSpareServesAsTheMemberMore() {
    ReshapePlan plan = ReshapePlan.of("md127", captured(RAID5_OF_4), wanted("", 5, 0), 0, 1);

    assertEquals(List.of("--raid-devices=5"), plan.options());
  }

  @Test
  void moreMembersThanDevices_isRefused() {
    RaidvmException e = refused(RAID5_OF_4, wanted("", 6, 0), 1, 0);

    assertEquals("raid5 of 6 members needs 1 device(s) more than md127 has (4 members, 0"
        + " spare(s), 1 being added): give a new disk or partition", e.getMessage());
  }

  @Test
  void theChunk_changesAlone() {
    ReshapePlan plan = ReshapePlan.of("md127", captured(RAID5_OF_4), wanted("", 0, 256), 0, 0);

    assertEquals(List.of("--chunk=256"), plan.options());
  }

  @Test
  void theShapeItHasAlready_isReached() {
    assertTrue(ReshapePlan.of("md127", captured(RAID5_OF_4), wanted("5", 4, 512), 0, 0)
        .reached());
  }

  @Test
  void levelsMdCannotReshapeInto_areRefusedWithTheReason() {
    assertEquals("cannot turn md127 from raid5 into raid10: md reshapes raid5 into raid6 (with"
        + " one more member), raid6 into raid5 and raid4 into raid5 in place, nothing else; make"
        + " a new raid10 array and copy the data",
        refused(RAID5_OF_4, wanted("10", 0, 0), 0, 0).getMessage());
    assertTrue(refused(RAID5_OF_4, wanted("0", 0, 0), 0, 0).getMessage()
        .contains("(raid0 would drop all redundancy)"));
  }

  @Test
  void fewerMembers_isRefused() {
    assertEquals("cannot shrink md127 from 4 to 3 members: md needs the array's size reduced"
        + " first and the filesystem with it, which raidvm does not do",
        refused(RAID5_OF_4, wanted("", 3, 0), 0, 0).getMessage());
  }

  @Test
  void aDegradedArray_isRefused() {
    assertTrue(refused("07-fail/sysfs-md127", wanted("", 0, 0), 1, 0).getMessage()
        .startsWith("cannot grow md127: it is degraded (1 member slot(s) missing)"));
  }

  @Test
  void anArrayThatIsChecking_isRefused() {
    assertTrue(refused("06-check/sysfs-md127-checking", wanted("", 0, 0), 1, 0).getMessage()
        .startsWith("cannot grow md127: a check runs or is due"));
  }

  @Test
  void anAutoReadOnlyArray_isRefused_untilItRuns() {
    assertTrue(refused("15-auto-read-only/sysfs-md124", wanted("", 0, 0), 1, 0).getMessage()
        .startsWith("cannot grow md127: it does not run read-write (array_state read-auto)"));
  }

  @Test
  void raid0_isRefused() {
    RaidvmException e = refused("14-raid1-partitions/sysfs-md123", wanted("", 0, 0), 1, 0);

    assertTrue(e.getMessage().startsWith("cannot grow md127: it is raid0"), e.getMessage());
  }

  @Test
  void badInput_isInvalidArgument() {
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT,
        assertThrows(RaidvmException.class, () -> wanted("raid7", 0, 0)).kind());
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT,
        assertThrows(RaidvmException.class, () -> wanted("", 0, 100)).kind());
  }
}
