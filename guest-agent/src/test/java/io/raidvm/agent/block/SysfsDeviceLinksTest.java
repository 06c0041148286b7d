package io.raidvm.agent.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsDeviceLinksTest {

  @TempDir
  Path root;

  @Test
  void holders_areTheEntriesOfTheHoldersDirectory_sorted() throws IOException {
    Path holders = Files.createDirectories(root.resolve("sys/class/block/sda1/holders"));
    Files.createFile(holders.resolve("md127"));
    Files.createFile(holders.resolve("dm-0"));

    SysfsDeviceLinks links = new SysfsDeviceLinks(root);

    assertEquals(List.of("dm-0", "md127"), links.holders("sda1"));
    assertEquals(List.of(), links.holders("sdb"));
  }

  @Test
  void byIdPaths_resolveEachLinkToItsKernelName_andSkipDanglingOnes() throws IOException {
    Path dev = Files.createDirectories(root.resolve("dev"));
    Files.createFile(dev.resolve("sdb"));
    Files.createFile(dev.resolve("sdb1"));
    Path byId = Files.createDirectories(dev.resolve("disk/by-id"));
    Files.createSymbolicLink(byId.resolve("scsi-0QEMU_QEMU_HARDDISK_d1"), Path.of("../../sdb"));
    Files.createSymbolicLink(byId.resolve("scsi-0QEMU_QEMU_HARDDISK_d1-part1"),
        Path.of("../../sdb1"));
    Files.createSymbolicLink(byId.resolve("wwn-0x5000c50015ea71ad"), Path.of("../../sdb"));
    Files.createSymbolicLink(byId.resolve("scsi-0QEMU_QEMU_HARDDISK_gone"), Path.of("../../sdz"));

    Map<String, List<String>> paths = new SysfsDeviceLinks(root).byIdPaths();

    assertEquals(Map.of(
        "sdb", List.of(byId.resolve("scsi-0QEMU_QEMU_HARDDISK_d1").toString(),
            byId.resolve("wwn-0x5000c50015ea71ad").toString()),
        "sdb1", List.of(byId.resolve("scsi-0QEMU_QEMU_HARDDISK_d1-part1").toString())), paths);
  }

  @Test
  void byIdPaths_withoutUdev_areEmpty() {
    assertEquals(Map.of(), new SysfsDeviceLinks(root).byIdPaths());
  }
}
