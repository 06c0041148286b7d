package io.raidvm.agent.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.common.error.RaidvmException;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
