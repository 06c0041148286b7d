package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestSuites;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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

  /**
   * A member of 04's healthy RAID 5 on every suite: its superblock names the array that
   * {@code --detail} names, and {@code --examine --scan} lists that array once, with its level
   * and slots.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.raidvm.agent.testing.GuestSuites#folders")
  void memberOfTheHealthyRaid5_namesTheArray_asDetailAndExamineScanDo(String folder) {
    MdadmExamine sb = MdadmExamine.parse(
        GuestSuites.read(folder, "04-raid5-synced/examine-export.stdout"),
        GuestSuites.read(folder, "04-raid5-synced/examine.stdout"));
    MdadmDetail detail = GuestSuites.detail(folder, "04-raid5-synced/");
    ExamineScan scan = ExamineScan.parse(
        GuestSuites.read(folder, "04-raid5-synced/examine-scan.stdout"));

    assertEquals(List.of(detail.uuid(), detail.name(), "raid5", "1.0", "clean", "AAAA"),
        List.of(sb.arrayUuid(), sb.name(), sb.level(), sb.metadata(), sb.state(),
            sb.arrayState()));
    assertEquals(List.of(4, 0), List.of(sb.raidDevices(), sb.role()));
    assertEquals(1, scan.entries().size(), scan.toString());
    ExamineScan.Entry entry = scan.find(detail.uuid()).orElseThrow();
    assertEquals(ExamineScan.hex(sb.arrayUuid()), ExamineScan.hex(entry.uuid()));
  }
}
