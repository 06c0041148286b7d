package io.raidvm.agent.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.agent.testing.GuestTree;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The guest of the captures: OS on sdb (sdb1 on /), data disk d1 = sda with sda1, md127. */
class DeviceResolverTest {

  @TempDir
  Path dir;

  private GuestTree tree;
  private DeviceResolver resolver;

  @BeforeEach
  void guest() {
    tree = new GuestTree(dir)
        .disk("sda").partition("sda", "sda1")
        .disk("sdb").partition("sdb", "sdb1")
        .disk("md127").holder("sda1", "md127")
        .serial("d1", "sda").serial("d1-part1", "sda1").serial("os", "sdb")
        .mounted("sdb1", "/");
    resolver = new DeviceResolver(dir);
  }

  @Test
  void resolve_serial_isTheDiskItsByIdLinkPointsAt() {
    assertEquals(new BlockDeviceRef("d1", Path.of("/dev/sda"), "sda", "sda", false, false),
        resolver.resolve("d1"));
  }

  @Test
  void resolve_serialPart1_isThePartition_onItsDisk() {
    assertEquals(new BlockDeviceRef("d1-part1", Path.of("/dev/sda1"), "sda1", "sda", true, false),
        resolver.resolve("d1-part1"));
  }

  @Test
  void resolve_kernelNameAndDevPath_andByIdPath_giveTheSameDevice() {
    assertEquals(Path.of("/dev/sda1"), resolver.resolve("sda1").path());
    assertEquals(Path.of("/dev/sda1"), resolver.resolve("/dev/sda1").path());
    BlockDeviceRef byId = resolver.resolve("/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_d1-part1");
    assertEquals("sda1", byId.kernelName());
    assertEquals("/dev/sda1 (/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_d1-part1)",
        byId.describe());
  }

  @Test
  void namesOf_keepsTheNodeAndTheLinksToTheDevice_andDropsEverythingElse() {
    tree.link("dev/md/data", "../md127").link("dev/disk/by-uuid/a4aede7b", "../../md127")
        .link("dev/md/gone", "../md5").link("dev/md/disk", "../sda");

    assertEquals(Set.of("/dev/md127", "/dev/md/data", "/dev/disk/by-uuid/a4aede7b"),
        resolver.namesOf(resolver.resolveArray("md127"), List.of("/dev/md127", "/dev/md/data",
            "/dev/disk/by-uuid/a4aede7b", "/dev/md/gone", "/dev/md/disk", "/dev/md/none",
            "/dev/md/my data", "/dev/../etc/passwd", "md127")));
  }

  @Test
  void resolve_theDiskHoldingRoot_andItsPartitions_areTheOsDisk() {
    assertEquals(true, resolver.resolve("os").osDisk());
    assertEquals(true, resolver.resolve("/dev/sdb1").osDisk());
    assertEquals(false, resolver.resolve("md127").osDisk());
  }

  @Test
  void resolve_whenRootIsOnAnArray_itsMembersDisksAreOsDisks() {
    tree.disk("sdc").partition("sdc", "sdc1").disk("md0").holder("sdc1", "md0")
        .mounted("md0", "/");

    assertEquals(true, resolver.resolve("sdc").osDisk());
    assertEquals(true, resolver.resolve("md0").osDisk());
    assertEquals(false, resolver.resolve("sdb").osDisk(), "the last mount on / wins");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sda; rm -rf /", "$(reboot)", "sd a", "/dev/../etc/passwd",
      "dev/sda", "../sda", "/dev/sda`x`", "d1|x", "*"})
  void resolve_malformedNames_areInvalidArgument(String ref) {
    RaidvmException e = assertThrows(RaidvmException.class, () -> resolver.resolve(ref));

    assertEquals(Kind.INVALID_ARGUMENT, e.kind());
  }

  @Test
  void resolve_pathOutsideDev_isInvalidArgument() {
    RaidvmException e = assertThrows(RaidvmException.class, () -> resolver.resolve("/etc/passwd"));

    assertEquals(Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("device '/etc/passwd' is not valid: a device path must be under /dev",
        e.getMessage());
  }

  @Test
  void resolve_nodeThatIsNoBlockDevice_isInvalidArgument() throws Exception {
    tree.write("dev/null", "");
    Files.createDirectories(dir.resolve("dev/shm"));
    tree.link("dev/disk/by-id/escape", "../../../proc/self/mountinfo");

    for (String ref : new String[] {"/dev/null", "/dev/shm", "/dev/disk/by-id/escape"}) {
      RaidvmException e = assertThrows(RaidvmException.class, () -> resolver.resolve(ref));
      assertEquals(Kind.INVALID_ARGUMENT, e.kind(), ref);
      assertEquals(ref + " is not a block device", e.getMessage());
    }
  }

  @Test
  void resolve_unknownName_isNotFound() {
    RaidvmException e = assertThrows(RaidvmException.class, () -> resolver.resolve("d9"));

    assertEquals(Kind.NOT_FOUND, e.kind());
    assertEquals("no block device 'd9': it is neither a kernel name (such as sdb1) nor the serial"
        + " of an attached disk (such as d1 or d1-part1)", e.getMessage());
    assertEquals(Kind.NOT_FOUND,
        assertThrows(RaidvmException.class, () -> resolver.resolve("/dev/sdz")).kind());
  }

  @Test
  void arrayName_acceptsMdNumbers_withOrWithoutDev() {
    assertEquals("md127", resolver.arrayName("md127"));
    assertEquals("md127", resolver.arrayName("/dev/md127"));
    assertEquals("md0", resolver.arrayName("md0"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "md", "md01", "sda", "/dev/md/127", "md127;x", "dev/md1", "md-1"})
  void arrayName_otherNames_areInvalidArgument(String ref) {
    assertEquals(Kind.INVALID_ARGUMENT,
        assertThrows(RaidvmException.class, () -> resolver.arrayName(ref)).kind());
  }

  @Test
  void resolveArray_existing_isTheArray_andAbsent_isNotFound() {
    assertEquals(new BlockDeviceRef("/dev/md127", Path.of("/dev/md127"), "md127", "md127", false,
        false), resolver.resolveArray("/dev/md127"));

    RaidvmException e = assertThrows(RaidvmException.class, () -> resolver.resolveArray("md5"));
    assertEquals(Kind.NOT_FOUND, e.kind());
    assertEquals("no array md5: /dev/md5 does not exist", e.getMessage());
  }
}
