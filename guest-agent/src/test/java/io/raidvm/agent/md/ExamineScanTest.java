package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.agent.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** mdadm --examine --scan --verbose as captured after md126 was stopped (guest-lifecycle/L5). */
class ExamineScanTest {

  private static final ExamineScan SCAN = ExamineScan.parse(
      Fixtures.read("guest-lifecycle/L5-stop-assemble/examine-scan-verbose.stdout"));

  @Test
  void parse_readsEachArray_withItsDevicesAndSpares_fromTheContinuationLine() {
    assertEquals(List.of(
        new ExamineScan.Entry("/dev/md/127", "99e97fc2:277d0e4f:99748bf2:7867d45d", "raid5", 3,
            1, List.of("/dev/sde1", "/dev/sdd1", "/dev/sdc1", "/dev/sdb1")),
        new ExamineScan.Entry("/dev/md/126", "02c28a8d:10c027ee:d246d741:cebc828c", "raid1", 2,
            0, List.of("/dev/sdi", "/dev/sdh"))), SCAN.entries());
    assertEquals(3, SCAN.entries().get(0).memberCount());
  }

  @Test
  void find_matchesTheUuidInAnyPunctuation() {
    assertEquals("/dev/md/126", SCAN.find("02C28A8D-10C027EE-D246D741-CEBC828C").orElseThrow()
        .device());
    assertEquals(true, SCAN.find("00000000:00000000:00000000:00000001").isEmpty());
  }

  @Test
  void aDegradedStart_isRefusedBeforeMdadmRuns_unlessAllowed() {
    ExamineScan.Entry one = new ExamineScan.Entry("/dev/md/126",
        "02c28a8d:10c027ee:d246d741:cebc828c", "raid1", 2, 0, List.of("/dev/sdh"));

    var e = org.junit.jupiter.api.Assertions.assertThrows(
        io.raidvm.common.error.RaidvmException.class,
        () -> ArrayAssembler.requireEnough(one.uuid(), one, false));

    assertEquals("array 02c28a8d:10c027ee:d246d741:cebc828c (/dev/md/126, raid1) has 2 member"
        + " slots, and only 1 device(s) carry its superblock (/dev/sdh): it would start"
        + " degraded. Find the missing member(s), or pass allow_degraded (raidctl raid assemble"
        + " --degraded) to start it without them", e.getMessage());
    ArrayAssembler.requireEnough(one.uuid(), one, true);
    ArrayAssembler.requireEnough(SCAN.entries().get(1).uuid(), SCAN.entries().get(1), false);
  }
}
