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

    assertEquals(new MdadmExamine("1.0", "db0609c2:27c2052f:bdc9c4d6:f961e8b0",
        "847e64c9:59c45746:1f300f04:1d2d1c64", "raidvm:127", "raid5", 4, 0, 18, "clean",
        "AAAA"), sb);
  }

  @Test
  void spare_hasRoleMinusOne_fromTheHumanOutputAlone() {
    MdadmExamine sb = MdadmExamine.parse("",
        Fixtures.read("guest/14-raid1-partitions/examine-spare.stdout"));

    assertEquals(-1, sb.role());
    assertEquals("active", sb.state());
    assertEquals(1, sb.events());
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
