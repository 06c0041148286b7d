package io.raidvm.agent.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.api.agent.v1.BlockDevice;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BlockDeviceTreeTest {

  private static final String BY_ID = "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_";

  private static Map<String, BlockDevice> byName(List<BlockDevice> devices) {
    return devices.stream().collect(Collectors.toMap(BlockDevice::getName, Function.identity()));
  }

  private static List<BlockDevice> raidGuest(DeviceLinks links) {
    return BlockDeviceTree.build(
        Lsblk.parse(Fixtures.read("lsblk/raid-members-constructed.json")), links);
  }

  @Test
  void mdArrays_areListedOnceAtTopLevel_afterTheDisks() {
    List<BlockDevice> devices = raidGuest(FakeDeviceLinks.NONE);

    assertEquals(List.of("sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg", "md127", "md0"),
        devices.stream().map(BlockDevice::getName).toList());
  }

  @Test
  void members_nameTheirArray_whetherPartitionOrWholeDisk() {
    Map<String, BlockDevice> top = byName(raidGuest(FakeDeviceLinks.NONE));

    for (String disk : List.of("sda", "sdc", "sdd")) {
      BlockDevice partition = top.get(disk).getPartitions(0);
      assertEquals(List.of("md127"), partition.getMdMemberOfList(), partition.getName());
      assertEquals(List.of(), top.get(disk).getMdMemberOfList());
    }
    assertEquals(List.of("md0"), top.get("sde").getMdMemberOfList());
    assertEquals(List.of("md0"), top.get("sdf").getMdMemberOfList());
    assertEquals(0, top.get("sde").getPartitionsCount());
    assertEquals(List.of(), top.get("sdg").getMdMemberOfList());
  }

  @Test
  void mdArray_carriesItsOwnFieldsAndPartitions() {
    Map<String, BlockDevice> top = byName(raidGuest(FakeDeviceLinks.NONE));

    BlockDevice md127 = top.get("md127");
    assertEquals("raid5", md127.getType());
    assertEquals("/dev/md127", md127.getPath());
    assertEquals(2141192192L, md127.getSizeBytes());
    assertEquals("ext4", md127.getFsType());
    assertEquals("data", md127.getFsLabel());
    assertEquals(List.of("/srv/data"), md127.getMountPointsList());
    BlockDevice md0p1 = top.get("md0").getPartitions(0);
    assertEquals("md0p1", md0p1.getName());
    assertEquals(List.of("/srv/mirror"), md0p1.getMountPointsList());
  }

  @Test
  void osDisk_isTheDiskHoldingRoot_withItsPartitions_evenWhenItIsNotSda() {
    Map<String, BlockDevice> top = byName(raidGuest(FakeDeviceLinks.NONE));

    assertTrue(top.get("sdb").getOsDisk());
    assertTrue(top.get("sdb").getPartitions(0).getOsDisk());
    for (String other : List.of("sda", "sdc", "sdd", "sde", "sdf", "sdg", "md127", "md0")) {
      assertFalse(top.get(other).getOsDisk(), other);
    }
    assertFalse(top.get("sda").getPartitions(0).getOsDisk());
  }

  @Test
  void osDisk_isTheWholeDisk_whenRootSitsOnItWithoutPartitions() {
    Map<String, BlockDevice> top = byName(BlockDeviceTree.build(
        Lsblk.parse(Fixtures.read("lsblk/loops-with-partitions.json")), FakeDeviceLinks.NONE));

    assertTrue(top.get("vda").getOsDisk());
    assertFalse(top.get("loop0").getOsDisk());
  }

  @Test
  void scsiFields_areCopied_withVendorPaddingRemoved() {
    BlockDevice sda = byName(raidGuest(FakeDeviceLinks.NONE)).get("sda");

    assertEquals("QEMU", sda.getVendor());
    assertEquals("QEMU HARDDISK", sda.getModel());
    assertEquals("d1", sda.getSerial());
    assertEquals("0:0:1:0", sda.getHctl());
    assertEquals("disk", sda.getType());
    assertEquals(1073741824L, sda.getSizeBytes());
    assertEquals("linux_raid_member", sda.getPartitions(0).getFsType());
    assertEquals("raidvm:data", sda.getPartitions(0).getFsLabel());
  }

  @Test
  void realLoopOutput_keepsPartitionsMountsAndReadOnly() {
    Map<String, BlockDevice> top = byName(BlockDeviceTree.build(
        Lsblk.parse(Fixtures.read("lsblk/loops-with-partitions.json")), FakeDeviceLinks.NONE));

    BlockDevice loop0 = top.get("loop0");
    assertEquals("loop", loop0.getType());
    assertEquals(List.of("loop0p1", "loop0p2"),
        loop0.getPartitionsList().stream().map(BlockDevice::getName).toList());
    assertEquals(List.of("/tmp/fx/mnt"), loop0.getPartitions(0).getMountPointsList());
    assertEquals(List.of(), loop0.getPartitions(1).getMountPointsList());
    assertEquals("", loop0.getVendor());
    assertTrue(top.get("loop2").getReadOnly());
    assertFalse(loop0.getReadOnly());
  }

  @Test
  void holdersAndByIdLinks_comeFromTheLinks() {
    DeviceLinks links = new FakeDeviceLinks(
        Map.of("sda1", List.of("md127"), "sde", List.of("md0")),
        Map.of("sda", List.of(BY_ID + "d1"), "sda1", List.of(BY_ID + "d1-part1"),
            "md127", List.of("/dev/disk/by-id/md-name-raidvm:data")));

    Map<String, BlockDevice> top = byName(raidGuest(links));

    assertEquals(List.of(BY_ID + "d1"), top.get("sda").getByIdPathsList());
    assertEquals(List.of(BY_ID + "d1-part1"), top.get("sda").getPartitions(0).getByIdPathsList());
    assertEquals(List.of("md127"), top.get("sda").getPartitions(0).getHoldersList());
    assertEquals(List.of("md0"), top.get("sde").getHoldersList());
    assertEquals(List.of("/dev/disk/by-id/md-name-raidvm:data"),
        top.get("md127").getByIdPathsList());
    assertEquals(List.of(), top.get("sdg").getByIdPathsList());
  }
}
