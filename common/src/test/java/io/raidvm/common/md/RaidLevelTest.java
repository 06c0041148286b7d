package io.raidvm.common.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.common.error.RaidvmException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaidLevelTest {

  /** md's layout numbers for raid10: near copies in bits 0-7, far in 8-15, offset bit 16. */
  private static final int N2 = 0x102;
  private static final int F2 = 0x201;
  private static final int O2 = 0x10201;
  private static final int N3 = 0x103;

  @Test
  void raid10_survivesOneFewerThanItsCopies_whateverTheLayout() {
    assertEquals(2, RaidLevel.raid10Copies(N2));
    assertEquals(2, RaidLevel.raid10Copies(F2));
    assertEquals(2, RaidLevel.raid10Copies(O2));
    assertEquals(3, RaidLevel.raid10Copies(N3));
    assertEquals(1, RaidLevel.RAID10.survivableFailures(4, RaidLevel.raid10Copies(N2)));
    assertEquals(1, RaidLevel.RAID10.survivableFailures(4, RaidLevel.raid10Copies(F2)));
    assertEquals(1, RaidLevel.RAID10.survivableFailures(3, RaidLevel.raid10Copies(O2)));
    assertEquals(2, RaidLevel.RAID10.survivableFailures(4, RaidLevel.raid10Copies(N3)));
    assertEquals(1, RaidLevel.RAID10.survivableFailures(4));
  }

  @Test
  void otherLevels_surviveWhatTheirRedundancyAllows() {
    assertEquals(List.of(0, 2, 1, 1, 2), List.of(RaidLevel.RAID0.survivableFailures(4),
        RaidLevel.RAID1.survivableFailures(3), RaidLevel.RAID4.survivableFailures(4),
        RaidLevel.RAID5.survivableFailures(4), RaidLevel.RAID6.survivableFailures(5)));
  }

  @Test
  void unknownLevel_namesTheSupportedOnes_fromTheEnum() {
    RaidvmException e = assertThrows(RaidvmException.class, () -> RaidLevel.parse("raid7"));

    assertEquals("RAID level 'raid7' is not supported: give raid0, raid1, raid4, raid5, raid6,"
        + " raid10 (or the number alone)", e.getMessage());
  }

  private static CreateArrayRequest raid10(String layout, int devices) {
    CreateArrayRequest.Builder r = CreateArrayRequest.newBuilder().setArray("md125")
        .setLevel("10").setLayout(layout).setBitmap(Bitmap.BITMAP_NONE);
    for (int i = 1; i <= devices; i++) {
      r.addDevices("d" + i + "-part1");
    }
    return r.build();
  }

  @Test
  void raid10Layouts_nearFarOffset_withCopiesUpToTheDevices_areAccepted() {
    for (String layout : List.of("n2", "f2", "o2", "n3", "f3")) {
      assertEquals(layout, ArraySpec.of(raid10(layout, 3)).layout());
    }
  }

  @Test
  void raid10Layouts_otherLetters_oneCopy_orMoreCopiesThanDevices_areRefused() {
    for (String layout : List.of("x2", "n1", "n4", "near2", "2")) {
      RaidvmException e = assertThrows(RaidvmException.class,
          () -> ArraySpec.of(raid10(layout, 3)), layout);
      assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
      assertEquals("raid10 layout '" + layout + "' is not valid: give n, f or o (near, far,"
          + " offset) and the copies of each chunk, 2 to the device count (3), e.g. n2, f2, o2",
          e.getMessage());
    }
  }
}
