package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GuestDisksTest {

  private static BlockDevice.Builder device(String name, String type) {
    return BlockDevice.newBuilder().setName(name).setPath("/dev/" + name).setType(type);
  }

  @Test
  void bySerial_findsAWholeDiskOnly() {
    ListBlockDevicesResponse devices = ListBlockDevicesResponse.newBuilder()
        .addDevices(device("md0", "raid1").setSerial("d2"))
        .addDevices(device("sdb", "disk").setSerial("d1"))
        .addDevices(device("sdc", "disk").setSerial("d2"))
        .build();
    assertEquals(Optional.of("/dev/sdc"),
        GuestDisks.bySerial(devices, "d2").map(BlockDevice::getPath));
    assertEquals(Optional.empty(), GuestDisks.bySerial(devices, "d3"));
  }

  @Test
  void uses_nameEachMountMemberAndHolder_ofTheDiskAndItsPartitions() {
    BlockDevice disk = device("sdc", "disk").addHolders("dm-0")
        .addPartitions(device("sdc1", "part").addMdMemberOf("md127").addHolders("md127"))
        .addPartitions(device("sdc2", "part").addMountPoints("/srv").addMountPoints("/mnt/x"))
        .addPartitions(device("sdc3", "part").addMountPoints("[SWAP]"))
        .build();
    assertEquals(List.of("sdc is held by dm-0", "sdc1 is a member of md127",
        "sdc2 is mounted on /srv", "sdc2 is mounted on /mnt/x", "sdc3 is mounted on [SWAP]"),
        GuestDisks.uses(disk));
    assertEquals(List.of("sda holds the guest's OS", "sda is mounted on /"),
        GuestDisks.uses(device("sda", "disk").setOsDisk(true).addMountPoints("/").build()));
    assertEquals(List.of(), GuestDisks.uses(device("sdd", "disk")
        .addPartitions(device("sdd1", "part")).build()));
  }
}
