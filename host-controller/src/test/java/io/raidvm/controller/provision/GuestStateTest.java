package io.raidvm.controller.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.Member;
import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.api.controller.v1.ProvisionArray;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.common.error.RaidvmException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Block devices and arrays as the agent reports them, read against a spec. */
class GuestStateTest {

  private final ProvisionSpec spec = ProvisionSpecs.complete(ProvisionSpec.newBuilder()
      .setVm("demo").setDiskSize("64M").build());
  private final ProvisionArray md127 = ProvisionSpecs.arrays(spec).get(0);

  private static List<BlockDevice> disks(boolean partitioned, String memberOf) {
    List<BlockDevice> out = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      String kname = "sd" + (char) ('a' + i);
      BlockDevice.Builder d = BlockDevice.newBuilder().setName(kname).setPath("/dev/" + kname)
          .setType("disk").setSerial("demo-d" + i);
      if (partitioned) {
        BlockDevice.Builder p = BlockDevice.newBuilder().setName(kname + "1")
            .setPath("/dev/" + kname + "1").setType("part");
        if (memberOf != null) {
          p.addMdMemberOf(memberOf);
        }
        d.addPartitions(p);
      }
      out.add(d.build());
    }
    out.add(BlockDevice.newBuilder().setName("sda").setPath("/dev/sda").setOsDisk(true).build());
    return out;
  }

  private static Array array(String level, int devices, int chunk) {
    Array.Builder a = Array.newBuilder().setName("md127").setLevel(level).setRaidDevices(devices)
        .setChunkKib(chunk).setMetadata("1.0");
    for (int i = 1; i <= devices; i++) {
      a.addMembers(Member.newBuilder().setDevice("/dev/sd" + (char) ('a' + i) + "1"));
    }
    return a.build();
  }

  @Test
  void membersAreFoundBySerial() {
    assertEquals(List.of("/dev/sdb1", "/dev/sdc1", "/dev/sdd1", "/dev/sde1"),
        GuestState.memberPaths(spec, md127, disks(true, null)));
    assertTrue(GuestState.memberPaths(spec, md127, disks(false, null)).isEmpty());
  }

  @Test
  void theArrayTheSpecDescribes_hasNoDifferences() {
    assertEquals(List.of(), GuestState.differences(md127, array("raid5", 4, 512),
        GuestState.memberPaths(spec, md127, disks(true, null))));
  }

  @Test
  void everyDifference_isNamed() {
    List<String> d = GuestState.differences(md127, array("raid6", 3, 64),
        GuestState.memberPaths(spec, md127, disks(true, null)));
    assertEquals(4, d.size(), d.toString());
    assertEquals("it is raid6, the spec says raid5", d.get(0));
    assertEquals("it has 3 devices, the spec says 4", d.get(1));
    assertEquals("its chunk is 64 KiB, the spec says 512 KiB", d.get(2));
    assertTrue(d.get(3).startsWith("its members are [/dev/sdb1, /dev/sdc1, /dev/sdd1]"), d.get(3));
  }

  @Test
  void aRaid10LayoutAsCreateTakesIt_isComparedInTheWordsTheArrayShows() {
    ProvisionArray far = ProvisionArray.newBuilder().setName("md127").setLevel("raid10")
        .setLayout("f2").setMetadata("1.0").addAllDisks(List.of("d1", "d2", "d3", "d4"))
        .setChunkKib(512).build();
    List<String> paths = GuestState.memberPaths(spec, md127, disks(true, null));
    Array near = array("raid10", 4, 512).toBuilder().setLayout("near=2").build();

    assertEquals(List.of("its layout is near=2, the spec says f2"),
        GuestState.differences(far, near, paths));
    assertEquals(List.of(), GuestState.differences(far, near.toBuilder().setLayout("far=2")
        .build(), paths));
    assertEquals("offset=2", GuestState.layoutAsShown("raid10", "o2"));
    assertEquals("left-symmetric", GuestState.layoutAsShown("raid5", "left-symmetric"));
  }

  @Test
  void membersOfAnotherArray_areRefused() {
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> GuestState.requireFreeMembers(spec, md127, disks(true, "md126")));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().contains("/dev/sdb1 (demo-d1) is in md126"), e.getMessage());
    GuestState.requireFreeMembers(spec, md127, disks(true, null));
  }

  @Test
  void syncing_meansAnActionOtherThanIdleOrFrozen_orOneWaiting() {
    assertTrue(GuestState.syncing(withSync(SyncStatus.newBuilder().setAction("resync"))));
    assertTrue(GuestState.syncing(withSync(SyncStatus.newBuilder().setAction("recover"))));
    assertTrue(GuestState.syncing(withSync(SyncStatus.newBuilder().setAction("idle")
        .setPending(true))));
    assertFalse(GuestState.syncing(withSync(SyncStatus.newBuilder().setAction("idle"))));
    assertFalse(GuestState.syncing(withSync(SyncStatus.newBuilder().setAction("frozen"))));
    assertFalse(GuestState.syncing(withSync(SyncStatus.newBuilder())), "raid0 has none");
  }

  @Test
  void anotherDeviceOnTheMountPoint_isFound() {
    List<BlockDevice> devices = new ArrayList<>(disks(true, null));
    devices.set(0, devices.get(0).toBuilder().setPartitions(0, devices.get(0).getPartitions(0)
        .toBuilder().addMountPoints("/mnt/md127")).build());
    assertEquals("/dev/sdb1", GuestState.mountedOn(devices, "/mnt/md127").orElseThrow()
        .getPath());
    assertTrue(GuestState.mountedOn(disks(true, null), "/mnt/md127").isEmpty());
  }

  private static Array withSync(SyncStatus.Builder sync) {
    return array("raid5", 4, 512).toBuilder().setSync(sync).build();
  }

  @Test
  void whyNotBlank_namesWhatADiskHolds_andABlankDiskPasses() {
    BlockDevice blank = BlockDevice.newBuilder().setName("sdc").setSerial("vm1-d2").build();

    assertEquals(java.util.Optional.empty(), GuestState.whyNotBlank(blank));
    assertEquals("holds ext4", GuestState.whyNotBlank(blank.toBuilder().setFsType("ext4")
        .build()).orElseThrow());
    assertEquals("is held by md126", GuestState.whyNotBlank(blank.toBuilder()
        .addHolders("md126").build()).orElseThrow());
    assertEquals("is mounted on /srv", GuestState.whyNotBlank(blank.toBuilder()
        .addMountPoints("/srv").build()).orElseThrow());
  }
}
