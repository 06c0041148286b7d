package io.raidvm.agent.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.common.error.RaidvmException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartedTest {

  @Test
  void parse_theHowtosPartition_onA64MiBDisk() {
    Parted.Table table = Parted.parse(Fixtures.read("parted/print-m-gpt-raid.stdout"));

    assertEquals("/dev/loop0", table.device());
    assertEquals(131072, table.sizeSectors());
    assertEquals(512, table.logicalSectorSize());
    assertEquals("gpt", table.label());
    assertEquals(List.of(new Parted.Partition(1, 2048, 131038, 128991, "", "primary", "raid")),
        table.partitions());
  }

  @Test
  void parse_guestOutput_forADiskAndAnArray() {
    Parted.Table disk = Parted.parse(Fixtures.read("guest/02-partition/parted-print.stdout"));
    Parted.Table md0 = Parted.parse(
        Fixtures.read("guest/13-raid1-whole-disks/parted-print.stdout"));

    assertEquals("/dev/sdb", disk.device());
    assertEquals(new Parted.Partition(1, 2048, 131038, 128991, "", "primary", "raid"),
        disk.partition(1));
    assertEquals(129024, md0.sizeSectors());
    assertEquals(new Parted.Partition(1, 2048, 128990, 126943, "", "mirror", ""),
        md0.partition(1));
  }

  @Test
  void parse_unlabelledDisk_hasNoPartitions_andPartitionOneIsInternal() {
    Parted.Table table = Parted.parse(Fixtures.read("parted/print-m-unrecognised.stdout"));

    assertEquals("unknown", table.label());
    assertEquals(List.of(), table.partitions());
    assertEquals(RaidvmException.Kind.INTERNAL,
        assertThrows(RaidvmException.class, () -> table.partition(1)).kind());
  }

  @Test
  void parse_somethingElse_isInternal() {
    assertEquals(RaidvmException.Kind.INTERNAL,
        assertThrows(RaidvmException.class, () -> Parted.parse("Error: no device\n")).kind());
  }
}
