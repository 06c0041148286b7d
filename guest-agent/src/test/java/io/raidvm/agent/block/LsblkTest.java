package io.raidvm.agent.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestSuites;
import io.raidvm.common.error.RaidvmException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LsblkTest {

  @Test
  void argv_asksForJsonInBytesWithTheColumnsTheAgentReports() {
    assertEquals(List.of("lsblk", "-J", "-b", "-o",
            "NAME,KNAME,PATH,SIZE,TYPE,VENDOR,MODEL,SERIAL,FSTYPE,UUID,LABEL,MOUNTPOINTS,RO,"
                + "PKNAME,HCTL"),
        Lsblk.LIST.argv());
  }

  @Test
  void parse_realOutput_keepsTheTreeAndDropsNullMountPoints() {
    List<LsblkDevice> devices = Lsblk.parse(Fixtures.read("lsblk/loops-with-partitions.json"));

    assertEquals(List.of("loop0", "loop1", "loop2", "zram0", "vda"),
        devices.stream().map(LsblkDevice::kname).toList());
    LsblkDevice loop0 = devices.get(0);
    assertEquals(67108864L, loop0.size());
    assertEquals(List.of(), loop0.mountpoints());
    assertEquals(List.of("loop0p1", "loop0p2"),
        loop0.children().stream().map(LsblkDevice::kname).toList());
    assertEquals(List.of("/tmp/fx/mnt"), loop0.children().get(0).mountpoints());
    assertEquals("loop0", loop0.children().get(0).pkname());
    assertTrue(devices.get(2).ro());
    assertEquals(List.of("/"), devices.get(4).mountpoints());
  }

  @Test
  void parse_ignoresColumnsItDoesNotKnow() {
    List<LsblkDevice> devices = Lsblk.parse(
        "{\"blockdevices\": [{\"name\": \"sda\", \"kname\": \"sda\", \"maj:min\": \"8:0\","
            + " \"rota\": true, \"type\": \"disk\"}]}");

    assertEquals("disk", devices.get(0).type());
  }

  @Test
  void parse_whenNotLsblkJson_failsWithInternal() {
    RaidvmException e = assertThrows(RaidvmException.class, () -> Lsblk.parse("NAME SIZE\n"));

    assertEquals(RaidvmException.Kind.INTERNAL, e.kind());
    assertTrue(e.getMessage().startsWith("cannot read lsblk output"), e.getMessage());
  }

  /**
   * 05 on every suite: the ext4 on the RAID 5 is mounted, and lsblk shows the array once under
   * each of its four partitions.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.raidvm.agent.testing.GuestSuites#folders")
  void raid5UnderEachMember_withItsMountedFilesystem(String folder) {
    List<LsblkDevice> disks = Lsblk.parse(GuestSuites.read(folder, "05-mkfs-mount/lsblk.stdout"));

    List<LsblkDevice> partitions = disks.stream()
        .flatMap(d -> d.children().stream())
        .filter(p -> p.isPartition() && p.children().stream().anyMatch(LsblkDevice::isMdArray))
        .toList();
    List<LsblkDevice> arrays = partitions.stream()
        .flatMap(p -> p.children().stream())
        .toList();
    assertEquals(4, arrays.size(), disks.toString());
    assertEquals(1, arrays.stream().map(LsblkDevice::kname).distinct().count(),
        arrays.toString());
    assertEquals(partitions.stream().map(LsblkDevice::kname).toList(),
        arrays.stream().map(LsblkDevice::pkname).toList());
    LsblkDevice md = arrays.get(0);
    assertEquals(List.of("md127", "raid5", "ext4"), List.of(md.kname(), md.type(), md.fstype()));
    assertEquals(1, md.mountpoints().size(), md.toString());
    assertTrue(disks.stream().anyMatch(d -> d.carries(md.mountpoints().get(0))));
  }
}
