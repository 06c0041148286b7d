package io.raidvm.controller.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.common.error.RaidvmException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProvisionSpecsTest {

  private static ProvisionSpec.Builder demo() {
    return ProvisionSpec.newBuilder().setVm("demo");
  }

  private static String refused(ProvisionSpec.Builder spec) {
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> ProvisionSpecs.complete(spec.build()));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    return e.getMessage();
  }

  @Test
  void aNameAlone_getsTheHowtosLayout() {
    ProvisionSpec spec = ProvisionSpecs.complete(demo().build());
    assertEquals(1024, spec.getMemoryMib());
    assertEquals(2, spec.getVcpus());
    assertEquals(4, spec.getDiskCount());
    assertEquals("3G", spec.getDiskSize());
    assertEquals("md127", spec.getArray());
    assertEquals("raid5", spec.getLevel());
    assertEquals(512, spec.getChunkKib());
    assertEquals("1.0", spec.getMetadata());
    assertEquals(Bitmap.BITMAP_INTERNAL, spec.getBitmap());
    assertEquals("ext4", spec.getFilesystem());
    assertEquals("/mnt/md127", spec.getMountPoint());
    assertTrue(spec.getPersist());
    assertTrue(spec.getVerifyByReboot());
    assertEquals(List.of("demo-d1", "demo-d2", "demo-d3", "demo-d4"),
        ProvisionSpecs.diskNames(spec));
    assertEquals(List.of("demo-d1-part1", "demo-d2-part1", "demo-d3-part1", "demo-d4-part1"),
        ProvisionSpecs.createArray(spec).getDevicesList());
  }

  @Test
  void levelsWithoutChunkOrRedundancy_getFittingDefaults() {
    ProvisionSpec mirror = ProvisionSpecs.complete(demo().setLevel("1").setDiskCount(2).build());
    assertEquals("raid1", mirror.getLevel());
    assertEquals(0, mirror.getChunkKib());
    ProvisionSpec stripe = ProvisionSpecs.complete(demo().setLevel("raid0").setDiskCount(2)
        .build());
    assertEquals(Bitmap.BITMAP_NONE, stripe.getBitmap());
  }

  @Test
  void noPersist_meansNoRebootCheckUnlessAsked() {
    ProvisionSpec spec = ProvisionSpecs.complete(demo().setPersist(false).build());
    assertFalse(spec.getVerifyByReboot());
    assertTrue(refused(demo().setPersist(false).setVerifyByReboot(true))
        .contains("verify by reboot needs persist"));
  }

  @Test
  void badFields_areRefusedNamingTheField() {
    assertTrue(refused(demo().setVm("Demo")).contains("VM name 'Demo' is not valid"));
    assertTrue(refused(demo().setLevel("raid6").setDiskCount(3))
        .contains("RAID 6 needs at least 4 devices, got 3"));
    assertTrue(refused(demo().setLevel("raid7")).contains("RAID level 'raid7'"));
    assertTrue(refused(demo().setChunkKib(48)).contains("chunk size 48 KiB is not valid"));
    assertTrue(refused(demo().setChunkKib(2)).contains("chunk size 2 KiB is not valid"));
    assertTrue(refused(demo().setLevel("raid1").setDiskCount(2).setChunkKib(64))
        .contains("raid1 has no chunk size"));
    assertTrue(refused(demo().setMetadata("2.0")).contains("metadata '2.0' is not valid"));
    assertTrue(refused(demo().setDiskSize("1M")).contains("disk size 1M is not valid"));
    assertTrue(refused(demo().setDiskSize("lots")).contains("size 'lots' is not valid"));
    assertTrue(refused(demo().setDiskCount(17)).contains("17 data disks is too many"));
    assertTrue(refused(demo().setMountPoint("/")).contains("mount point / is not allowed"));
    assertTrue(refused(demo().setMountPoint("/etc/raid")).contains("is not allowed"));
    assertTrue(refused(demo().setMountPoint("mnt/x")).contains("is not valid"));
    assertTrue(refused(demo().setFilesystem("xfs")).contains("only ext4"));
    assertTrue(refused(demo().setArray("sdb")).contains("array name 'sdb' is not valid"));
    assertTrue(refused(demo().setMemoryMib(64)).contains("memory 64 MiB"));
    assertTrue(refused(demo().setSyncSpeedMaxKibPerS(10)).contains("too low"));
    assertTrue(refused(demo().setVm("v".repeat(62))).contains("disk name"));
  }
}
