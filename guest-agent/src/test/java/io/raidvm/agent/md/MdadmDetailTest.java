package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.md.MdadmDetail.Device;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestSuites;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** mdadm 4.2's --detail and --detail --export as captured in the guest. */
class MdadmDetailTest {

  private static MdadmDetail detail(String step, String prefix) {
    return MdadmDetail.parse(Fixtures.read("guest/" + step + "/" + prefix + "detail-export.stdout"),
        Fixtures.read("guest/" + step + "/" + prefix + "detail.stdout"));
  }

  @Test
  void raid5Recovering_identityFromTheExport_countsAndStatesFromTheHumanOutput() {
    MdadmDetail d = detail("03-raid5-create", "");

    assertEquals("raid5", d.level());
    assertEquals(4, d.raidDevices());
    assertEquals("1.0", d.metadata());
    assertEquals("db0609c2:27c2052f:bdc9c4d6:f961e8b0", d.uuid());
    assertEquals("raidvm:127", d.name());
    assertEquals(List.of("clean", "degraded", "recovering"), d.states());
    assertEquals(192000, d.arraySizeKib());
    assertEquals(512, d.chunkKib());
    assertEquals("left-symmetric", d.layout());
    assertEquals(List.of(3, 4, 0, 1),
        List.of(d.activeDevices(), d.workingDevices(), d.failedDevices(), d.spareDevices()));
    assertEquals(List.of(
        new Device("/dev/sdb1", 0, List.of("active", "sync")),
        new Device("/dev/sdc1", 1, List.of("active", "sync")),
        new Device("/dev/sdd1", 2, List.of("active", "sync")),
        new Device("/dev/sde1", 3, List.of("spare", "rebuilding"))), d.devices());
  }

  /** After --fail (07); 11's after-fail detail already shows the member removed. */
  @Test
  void faultyMember_hasNoRole_andTheRemovedSlotIsNoDevice() {
    MdadmDetail d = detail("07-fail", "");

    assertEquals(List.of("clean", "degraded"), d.states());
    assertEquals(1, d.failedDevices());
    assertEquals(new Device("/dev/sdc1", -1, List.of("faulty")), d.devices().get(3));
    assertEquals(4, d.devices().size());
  }

  @Test
  void writeMostlyMember_keepsTheWord() {
    MdadmDetail d = detail("14-raid1-partitions", "md125-");

    assertEquals(new Device("/dev/sdf1", 1, List.of("active", "sync", "writemostly")),
        d.devices().get(1));
    assertEquals(0, d.chunkKib());
  }

  @Test
  void raid1WithSpareAndDelayedResync() {
    MdadmDetail d = detail("14-raid1-partitions", "md124-");

    assertEquals(List.of("clean", "resyncing (DELAYED)"), d.states());
    assertEquals(new Device("/dev/sdf3", -1, List.of("spare")), d.devices().get(2));
  }

  @Test
  void inactiveArray_levelFromTheHumanOutput_memberWithoutState() {
    MdadmDetail d = detail("18-inactive", "inactive-");

    assertEquals("raid5", d.level());
    assertEquals(1, d.raidDevices());
    assertEquals(List.of("inactive"), d.states());
    assertEquals(List.of(new Device("/dev/sdb1", -1, List.of())), d.devices());
  }

  /**
   * The healthy RAID 5 of 04 (four partitions, chunk 512 KiB, metadata 1.0) on every suite:
   * mdadm 4.2 and 4.4 print the same fields for it.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.raidvm.agent.testing.GuestSuites#folders")
  void healthyRaid5_readsTheSameOnEverySuite(String folder) {
    MdadmDetail d = GuestSuites.detail(folder, "04-raid5-synced/");

    assertEquals(List.of("raid5", "1.0", "raidvm:127", "left-symmetric"),
        List.of(d.level(), d.metadata(), d.name(), d.layout()));
    assertEquals(List.of("clean"), d.states());
    assertEquals(List.of(4, 512, 4, 4, 0, 0), List.of(d.raidDevices(), d.chunkKib(),
        d.activeDevices(), d.workingDevices(), d.failedDevices(), d.spareDevices()));
    assertEquals(List.of(0, 1, 2, 3), d.devices().stream().map(Device::role).toList());
    assertEquals(List.of(List.of("active", "sync")),
        d.devices().stream().map(Device::states).distinct().toList());
    assertTrue(d.arraySizeKib() > 0 && d.arraySizeKib() % (3 * 512) == 0,
        "three members' data, whole chunks each: " + d.arraySizeKib());
  }
}
