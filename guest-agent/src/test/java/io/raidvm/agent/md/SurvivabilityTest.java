package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.testing.CapturedSysfs;
import io.raidvm.common.error.RaidvmException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * raid10's fault tolerance on the captured near=2 array of four (guest-lifecycle/L7: slots 0/1
 * and 2/3 hold the same chunks), with members marked faulty as md would.
 */
class SurvivabilityTest {

  private static MdSysfs n2(String... faulty) {
    Map<String, String> files = new HashMap<>(
        CapturedSysfs.files("guest-lifecycle/L7-raid10/sysfs-md125-n2-4"));
    for (String member : faulty) {
      files.put("dev-" + member + "/state", "faulty\n");
    }
    return MdSysfs.parse(files);
  }

  @Test
  void nearTwo_survivesAnyOneMember_fromItsLayoutsCopies() {
    assertEquals(258, n2().layout());
    assertEquals("near=2", KernelDetail.layout("raid10", 258));
    assertEquals("far=2", KernelDetail.layout("raid10", 513));
    assertEquals(1, Survivability.tolerated(n2()));
  }

  @Test
  void nearTwo_withOneFailed_survivesLosingAMemberOfTheOtherPair_notItsPartner() {
    MdSysfs oneFailed = n2("sdb1");

    assertTrue(Survivability.survivesExactly(oneFailed, "sdd1"));
    assertFalse(Survivability.survivesExactly(oneFailed, "sdc1"));
    Survivability.require("md125", oneFailed, "sdd1", "/dev/sdd1", "fail", false);
    RaidvmException e = assertThrows(RaidvmException.class, () -> Survivability.require(
        "md125", oneFailed, "sdc1", "/dev/sdc1", "fail", false));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().contains("raid10 survives the loss of at most 1"), e.getMessage());
  }
}
