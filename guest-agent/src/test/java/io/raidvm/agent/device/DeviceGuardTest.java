package io.raidvm.agent.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestTree;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import io.raidvm.common.process.FakeCommandRunner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceGuardTest {

  private static final List<String> BLKID_SDC = List.of("blkid", "-p", "-o", "export", "/dev/sdc");

  @TempDir
  Path dir;

  private GuestTree tree;
  private final FakeCommandRunner runner = new FakeCommandRunner();
  private DeviceResolver resolver;
  private DeviceGuard guard;

  @BeforeEach
  void guest() {
    tree = new GuestTree(dir)
        .disk("sda").partition("sda", "sda1")
        .disk("sdb").partition("sdb", "sdb1")
        .disk("sdc")
        .disk("md127").holder("sda1", "md127")
        .mounted("sdb1", "/");
    resolver = new DeviceResolver(dir);
    guard = new DeviceGuard(runner, dir);
  }

  private RaidvmException refusal(String device, boolean force) {
    return assertThrows(RaidvmException.class,
        () -> guard.requireSafeToOverwrite(resolver.resolve(device), force, "partition"));
  }

  @Test
  void osDisk_isRefused_evenWithForce_withoutRunningAnything() {
    RaidvmException e = refusal("sdb1", true);

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("refusing to touch /dev/sdb1 (sdb1): it is on the OS disk /dev/sdb, which holds"
        + " /; this is refused even with force", e.getMessage());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void memberOfAnArray_viaItsPartition_isRefused_evenWithForce_withoutRunningAnything() {
    RaidvmException e = refusal("/dev/sda", true);

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("cannot partition /dev/sda: /dev/sda1 on it is a member of the md array"
        + " /dev/md127; a device in use is refused even with force", e.getMessage());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void mountedArrayOnTopOfAMember_isRefused_evenWithForce() {
    tree.mounted("md127", "/mnt/md127");

    RaidvmException e = refusal("sda1", true);

    assertEquals("cannot partition /dev/sda1 (sda1): /dev/md127 on it is mounted on /mnt/md127;"
        + " a device in use is refused even with force", e.getMessage());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void deviceMapperHolder_isRefused_evenWithForce() {
    tree.partition("sdc", "sdc1").disk("dm-0").holder("sdc1", "dm-0");

    RaidvmException e = refusal("sdc", true);

    assertEquals("cannot partition /dev/sdc (sdc): /dev/sdc1 on it is held by the device-mapper"
        + " device /dev/dm-0 (LVM, dm-crypt, multipath); a device in use is refused even with"
        + " force", e.getMessage());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void activeSwap_isRefused_evenWithForce() {
    tree.partition("sdc", "sdc2");
    tree.write("proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
        + "/swapfile                               file\t\t1048572\t\t0\t\t-2\n"
        + "/dev/sdc2                               partition\t65532\t\t0\t\t-3\n");

    RaidvmException e = refusal("sdc", true);

    assertEquals("cannot partition /dev/sdc (sdc): /dev/sdc2 on it is active swap (swapoff it"
        + " first); a device in use is refused even with force", e.getMessage());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void notInUse_passesWithoutProbing() {
    guard.requireNotInUse(resolver.resolve("sdc"), "partition");

    assertEquals(List.of(), runner.calls());
  }

  @Test
  void arrayMemberCheck_refusesADeviceWithAnMdSuperblock_evenWhenNoArrayHoldsIt() {
    runner.answer(BLKID_SDC, 0, "UUID=8e4b54d6-cb8e-6df8-3d7b-46e38a3d42b3\nLABEL=raidvm:127\n"
        + "TYPE=linux_raid_member\n", "");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> guard.requireNotArrayMember(resolver.resolve("sdc"), "mount"));

    assertEquals("cannot mount /dev/sdc (sdc): it carries the md superblock of array"
        + " 8e4b54d6-cb8e-6df8-3d7b-46e38a3d42b3 (raidvm:127); its filesystem signature belongs"
        + " to that array: use the array's device, or zero the superblock first if the device"
        + " is no longer a member", e.getMessage());
    assertEquals(List.of(BLKID_SDC), runner.calls());
  }

  @Test
  void arrayMemberCheck_refusesAHeldMember_withoutProbing() {
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> guard.requireNotArrayMember(resolver.resolve("sda1"), "check the filesystem on"));

    assertEquals("cannot check the filesystem on /dev/sda1 (sda1): it is a member of the md"
        + " array /dev/md127; a device in use is refused even with force", e.getMessage());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void arrayMemberCheck_passesAFilesystem_evenWhenMounted() {
    tree.mounted("sdc", "/mnt/data");
    runner.answer(BLKID_SDC, 0, Fixtures.read("guest/05-mkfs-mount/blkid-p-export.stdout"), "");

    guard.requireNotArrayMember(resolver.resolve("sdc"), "mount");

    assertEquals(List.of(BLKID_SDC), runner.calls());
  }

  @Test
  void mountedDevice_isRefused_namingTheMountPointUnescaped() {
    tree.mountinfo("90 1 " + "8:4" + " / /mnt/my\\040data rw - ext4 /dev/sdc rw");

    RaidvmException e = refusal("sdc", true);

    assertEquals("cannot partition /dev/sdc (sdc): it is mounted on /mnt/my data; a device in"
        + " use is refused even with force", e.getMessage());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void partitionTable_isRefusedWithoutForce() {
    runner.answer(BLKID_SDC, 0, Fixtures.read("blkid/p-export-gpt-disk.stdout"), "");

    RaidvmException e = refusal("sdc", false);

    assertEquals("cannot partition /dev/sdc (sdc): it holds a gpt partition table; pass force to"
        + " overwrite it", e.getMessage());
    assertEquals(List.of(BLKID_SDC), runner.calls());
  }

  @Test
  void filesystem_isRefusedWithoutForce() {
    runner.answer(BLKID_SDC, 0, Fixtures.read("guest/05-mkfs-mount/blkid-p-export.stdout"), "");

    assertEquals("cannot partition /dev/sdc (sdc): it holds an ext4 filesystem signature; pass"
        + " force to overwrite it", refusal("sdc", false).getMessage());
  }

  @Test
  void ambivalentSignatures_areRefusedWithoutForce() {
    runner.answer(BLKID_SDC, 8, "", "");

    assertEquals(Kind.FAILED_PRECONDITION, refusal("sdc", false).kind());
  }

  @Test
  void emptyPartitionEntry_isNoSignature_andAnEmptyDiskPasses() {
    runner.answer(BLKID_SDC, 2, "", "");
    guard.requireSafeToOverwrite(resolver.resolve("sdc"), false, "partition");

    tree.disk("sdd").partition("sdd", "sdd1");
    List<String> blkidSdd1 = List.of("blkid", "-p", "-o", "export", "/dev/sdd1");
    runner.answer(blkidSdd1, 0,
        Fixtures.read("guest/02-partition/blkid-p-part-export.stdout"), "");
    guard.requireSafeToOverwrite(resolver.resolve("sdd1"), false, "partition");

    assertEquals(List.of(BLKID_SDC, blkidSdd1), runner.calls());
  }

  @Test
  void force_skipsOnlyTheSignatureProbe() {
    guard.requireSafeToOverwrite(resolver.resolve("sdc"), true, "partition");

    assertEquals(List.of(), runner.calls());
  }

  @Test
  void blkidFailure_isAToolErrorWithItsStderr() {
    runner.answer(BLKID_SDC, 4, "", "blkid: error: /dev/sdc: Permission denied");

    RaidvmException e = refusal("sdc", false);

    assertEquals("blkid failed (exit 4): blkid: error: /dev/sdc: Permission denied [command:"
        + " blkid -p -o export /dev/sdc]", e.getMessage());
  }
}
