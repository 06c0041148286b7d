package io.raidvm.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "vm1", "d-1", "0abc", "x23456789012345678901234567890123456789012345678901234567890123"})
  void require_acceptsShortLowerCaseNames(String name) {
    assertEquals(name, Names.require("VM", name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-a", "A", "vm_1", "../etc", "a/b", "a b", "vm;rm", "é",
      "x234567890123456789012345678901234567890123456789012345678901234"})
  void require_rejectsEverythingElseWithInvalidArgument(String name) {
    RaidvmException e = assertThrows(RaidvmException.class, () -> Names.require("VM", name));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains("VM name"), e.getMessage());
  }

  @Test
  void require_saysWhenTheNameIsMissing() {
    RaidvmException e = assertThrows(RaidvmException.class, () -> Names.require("disk", ""));
    assertEquals("disk name is missing", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"os", "sda", "sdb", "sdb1", "sdaa", "vda", "vdb2", "hdc", "xvda",
      "md", "md0", "md127", "md127p1", "nvme0n1", "nvme0n1p2", "loop0", "loop7p1", "dm-0",
      "sr0", "ram0", "zram0", "nbd0", "mmcblk0p1", "d1-part1", "data-part12"})
  void requireNewDisk_refusesReservedKernelAndPartitionNames(String name) {
    RaidvmException e = assertThrows(RaidvmException.class, () -> Names.requireNewDisk(name));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().startsWith("disk name '" + name + "' "), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"os", "sdb", "md0"})
  void requireNewVm_refusesTheSameNames(String name) {
    RaidvmException e = assertThrows(RaidvmException.class, () -> Names.requireNewVm(name));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
  }

  @ParameterizedTest
  @ValueSource(strings = {"d1", "data", "demo-d16", "osdisk", "mdx", "disk-0", "sd", "dm", "vm1",
      "x2345678901234567890"})
  void requireNewDisk_acceptsOtherNamesUpTo20Characters(String name) {
    assertEquals(name, Names.requireNewDisk(name));
  }

  @Test
  void requireNewDisk_refusesANameLongerThanTheSerialTheGuestSees() {
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> Names.requireNewDisk("x23456789012345678901"));
    assertEquals("disk name 'x23456789012345678901' is too long: the guest sees a disk by its"
        + " serial, which holds at most 20 characters", e.getMessage());
  }

  @Test
  void require_stillFindsAnExistingDiskWhateverItsName() {
    assertEquals("sdb", Names.require("disk", "sdb"));
  }
}
