package io.raidvm.controller.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.controller.v1.ProvisionArray;
import io.raidvm.api.controller.v1.ProvisionFilesystem;
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
        ProvisionSpecs.createArray(spec, ProvisionSpecs.arrays(spec).get(0)).getDevicesList());
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
    assertTrue(refused(demo().setFilesystem("btrfs"))
        .contains("filesystem 'btrfs' is not supported: give ext4 or xfs"));
    assertTrue(refused(demo().setArray("sdb")).contains("array name 'sdb' is not valid"));
    assertTrue(refused(demo().setMemoryMib(64)).contains("memory 64 MiB"));
    assertTrue(refused(demo().setSyncSpeedMaxKibPerS(10)).contains("too low"));
    assertTrue(refused(demo().setVm("v".repeat(62))).contains("disk name"));
  }

  /** The e2e layout: RAID 1 of two disks with ext4, RAID 10 of four with xfs. */
  private static ProvisionSpec.Builder twoArrays() {
    return demo().setDiskSize("160M")
        .addArrays(ProvisionArray.newBuilder().setName("md0").setLevel("raid1")
            .addAllDisks(List.of("d1", "2")))
        .addArrays(ProvisionArray.newBuilder().setName("md1").setLevel("10").setLayout("n2")
            .addAllDisks(List.of("d3", "d4", "5", "d6")))
        .addFilesystems(ProvisionFilesystem.newBuilder().setArray("md0"))
        .addFilesystems(ProvisionFilesystem.newBuilder().setArray("md1").setType("xfs")
            .setMountPoint("/srv/data").addMountOptions("noatime"));
  }

  @Test
  void arrays_getTheirDefaults_andDisksByNameOrNumber() {
    ProvisionSpec spec = ProvisionSpecs.complete(twoArrays().build());

    assertEquals(6, spec.getDiskCount(), "the highest disk an array names");
    ProvisionArray mirror = spec.getArrays(0);
    assertEquals(List.of("d1", "d2"), mirror.getDisksList());
    assertEquals("raid1", mirror.getLevel());
    assertEquals(0, mirror.getChunkKib());
    assertEquals("1.0", mirror.getMetadata());
    assertEquals(Bitmap.BITMAP_INTERNAL, mirror.getBitmap());
    ProvisionArray stripe = spec.getArrays(1);
    assertEquals("raid10", stripe.getLevel());
    assertEquals(List.of("d3", "d4", "d5", "d6"), stripe.getDisksList());
    assertEquals(512, stripe.getChunkKib());
    assertEquals("ext4", spec.getFilesystems(0).getType());
    assertEquals("/mnt/md0", spec.getFilesystems(0).getMountPoint());
    assertEquals("", spec.getArray(), "the shorthand stays unset");
    assertEquals(List.of("demo-d3-part1", "demo-d4-part1", "demo-d5-part1", "demo-d6-part1"),
        ProvisionSpecs.createArray(spec, stripe).getDevicesList());
    assertEquals("n2", ProvisionSpecs.createArray(spec, stripe).getLayout());
    assertEquals(spec.getArraysList(), ProvisionSpecs.arrays(spec));
    assertEquals(List.of("demo-d1", "demo-d2", "demo-d3", "demo-d4", "demo-d5", "demo-d6"),
        ProvisionSpecs.usedDiskNames(spec));
    assertEquals("", ProvisionSpecs.fstabOptions(spec.getFilesystems(0)), "the agent's default");
    assertEquals("noatime,nofail", ProvisionSpecs.fstabOptions(spec.getFilesystems(1)));
    assertEquals("nofail,ro", ProvisionSpecs.fstabOptions(spec.getFilesystems(1).toBuilder()
        .clearMountOptions().addMountOptions("nofail").addMountOptions("ro").build()));
  }

  @Test
  void theShorthand_isOneArrayOverAllDisks_withOneFilesystem() {
    ProvisionSpec spec = ProvisionSpecs.complete(demo().build());

    ProvisionArray only = ProvisionSpecs.arrays(spec).get(0);
    assertEquals("md127", only.getName());
    assertEquals(List.of("d1", "d2", "d3", "d4"), only.getDisksList());
    assertEquals(List.of(ProvisionFilesystem.newBuilder().setArray("md127").setType("ext4")
        .setMountPoint("/mnt/md127").build()), ProvisionSpecs.filesystems(spec));
  }

  @Test
  void badMultiArraySpecs_areRefusedSayingWhat() {
    assertTrue(refused(twoArrays().setLevel("raid5")).contains("the spec lists arrays and also"
        + " sets level, the shorthand for one array"));
    assertTrue(refused(twoArrays().setMountPoint("/x").setArray("md9"))
        .contains("also sets array, mount_point"));
    assertTrue(refused(twoArrays().setArrays(1, twoArrays().getArrays(1).toBuilder()
        .setDisks(0, "d2"))).contains("disk d2 is named twice (in arrays md0 and md1)"));
    assertTrue(refused(twoArrays().setArrays(0, twoArrays().getArrays(0).toBuilder()
        .addSpares("1"))).contains("disk d1 is named twice (in array md0)"));
    assertTrue(refused(twoArrays().setDiskCount(5))
        .contains("array md1 names disk d6, but the spec has 5 data disks (d1 … d5)"));
    assertTrue(refused(twoArrays().setArrays(1, twoArrays().getArrays(1).toBuilder()
        .setDisks(0, "sdb"))).contains("disks 'sdb' is not a data disk: give d1 … dN"));
    assertTrue(refused(twoArrays().setArrays(1, twoArrays().getArrays(1).toBuilder()
        .setName("md0"))).contains("two arrays are named md0"));
    assertTrue(refused(twoArrays().setArrays(1, twoArrays().getArrays(1).toBuilder()
        .clearLevel())).contains("array md1 has no level: give one of raid0, raid1"));
    assertTrue(refused(twoArrays().setArrays(1, twoArrays().getArrays(1).toBuilder()
        .setLevel("raid6").clearDisks().addAllDisks(List.of("d3", "d4", "d5"))))
        .contains("array md1: RAID 6 needs at least 4 devices, got 3"));
    assertTrue(refused(twoArrays().setArrays(1, twoArrays().getArrays(1).toBuilder()
        .setLayout("n5"))).contains("array md1: raid10 layout 'n5' is not valid"));
    assertTrue(refused(twoArrays().setArrays(0, twoArrays().getArrays(0).toBuilder()
        .setLevel("raid0").addSpares("d7"))).contains("raid0 cannot have spares"));
    assertTrue(refused(twoArrays().addFilesystems(ProvisionFilesystem.newBuilder()
        .setArray("md0").setMountPoint("/srv/other")))
        .contains("two filesystems are on array md0"));
    assertTrue(refused(twoArrays().setFilesystems(0, ProvisionFilesystem.newBuilder()
        .setArray("md0").setMountPoint("/srv/data")))
        .contains("arrays md0 and md1 are both to be mounted on /srv/data"));
    assertTrue(refused(twoArrays().setFilesystems(0, ProvisionFilesystem.newBuilder()
        .setArray("md7"))).contains("a filesystem is on array md7, which the spec does not"
        + " list"));
    assertTrue(refused(twoArrays().setFilesystems(0, ProvisionFilesystem.newBuilder()
        .setArray("md0").addMountOptions("noatime,ro")))
        .contains("mount option 'noatime,ro' is not valid"));
    assertTrue(refused(demo().addFilesystems(ProvisionFilesystem.newBuilder().setArray("md0")))
        .contains("filesystems need arrays"));
  }

  @Test
  void xfsBelowWhatMkfsXfsTakes_isRefusedBeforeAnythingIsMade() {
    String message = refused(twoArrays().setDiskSize("128M"));
    assertTrue(message.startsWith("array md1 (raid10 of 4 × 128M disks) holds about"), message);
    assertTrue(message.contains("too small for xfs: mkfs.xfs refuses filesystems under 300"
        + " MiB"), message);
    assertTrue(refused(demo().setDiskSize("64M").setFilesystem("xfs"))
        .contains("array md127 (raid5 of 4 × 64M disks)"));
    ProvisionSpecs.complete(demo().setDiskSize("160M").setFilesystem("xfs").build());
  }
}
