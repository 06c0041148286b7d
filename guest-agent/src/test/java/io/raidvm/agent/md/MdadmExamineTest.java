package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.agent.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** mdadm 4.2's --examine and --examine --export as captured in the guest. */
class MdadmExamineTest {

  @Test
  void activeMember_exportForIdentity_humanOutputForVersionRoleAndState() {
    MdadmExamine sb = MdadmExamine.parse(
        Fixtures.read("guest/04-raid5-synced/examine-export.stdout"),
        Fixtures.read("guest/04-raid5-synced/examine.stdout"));

    assertEquals(new MdadmExamine("1.0", "ec44b2e5:884eb3e1:44fa02b1:fed4abc8",
        "ab3b2cd0:27adf9d7:73b053ea:598f7769", "raidvm:127", "raid5", 4, 0, 19, "clean",
        "AAAA"), sb);
  }

  @Test
  void spare_hasRoleMinusOne_fromTheHumanOutputAlone() {
    MdadmExamine sb = MdadmExamine.parse("",
        Fixtures.read("guest/14-raid1-partitions/examine-spare.stdout"));

    assertEquals(-1, sb.role());
    assertEquals("active", sb.state());
    assertEquals(2, sb.events());
    assertEquals("raid1", sb.level());
    assertEquals("1.2", sb.metadata());
  }

  @Test
  void writeMostlyMember_isAnActiveDevice() {
    MdadmExamine sb = MdadmExamine.parse("",
        Fixtures.read("guest/14-raid1-partitions/examine-write-mostly.stdout"));

    assertEquals(1, sb.role());
    assertEquals("AA", sb.arrayState());
  }
}
