package io.raidvm.agent.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestTree;
import io.raidvm.api.agent.v1.MountedFilesystem;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import io.raidvm.common.process.FakeCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MounterTest {

  /** The guard's look for an md superblock before it touches the array's filesystem. */
  private static final List<String> PROBE = List.of("blkid", "-p", "-o", "export", "/dev/md127");

  private static final List<String> MOUNT = List.of("mount", "-o", "noatime", "/dev/md127",
      "/mnt/md127");

  @TempDir
  Path dir;

  private GuestTree tree;
  private final FakeCommandRunner runner = new FakeCommandRunner();
  private Mounter mounter;
  private Usage usage;

  @BeforeEach
  void guest() {
    tree = new GuestTree(dir)
        .disk("sda").partition("sda", "sda1").mounted("sda1", "/")
        .disk("md127").disk("md0");
    DeviceResolver resolver = new DeviceResolver(dir);
    MountTable table = new MountTable(dir);
    usage = new Usage(resolver, table, dir);
    mounter = new Mounter(runner, resolver, new DeviceGuard(runner, dir),
        new DeviceLocks(), table, usage, dir);
    runner.answer(PROBE, 0,
        Fixtures.read("guest/05-mkfs-mount/blkid-p-export.stdout"), "");
  }

  @Test
  void mount_createsTheMountPoint_runsMount_andReportsTheMount() {
    runner.answer(MOUNT, 0, "", "").effect(MOUNT, () -> tree.mounted("md127", "/mnt/md127"));

    MountedFilesystem mounted = mounter.mount("md127", "/mnt/md127", List.of("noatime"));

    assertTrue(Files.isDirectory(dir.resolve("mnt/md127")));
    assertEquals(List.of(PROBE, MOUNT), runner.calls());
    assertEquals("/dev/md127", mounted.getDevice());
    assertEquals("/mnt/md127", mounted.getMountPoint());
    assertEquals("ext4", mounted.getType());
    assertTrue(mounted.getSizeBytes() > 0);
  }

  @Test
  void mount_whenAlreadyMountedThere_runsNothing() throws Exception {
    Files.createDirectories(dir.resolve("mnt/md127"));
    tree.mounted("md127", "/mnt/md127");

    assertEquals("/mnt/md127", mounter.mount("/dev/md127", "/mnt/md127", List.of())
        .getMountPoint());
    assertEquals(List.of(PROBE), runner.calls());
  }

  @Test
  void mount_whereAnotherDeviceIsMounted_isFailedPrecondition() throws Exception {
    Files.createDirectories(dir.resolve("mnt/md127"));
    tree.mounted("md0", "/mnt/md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> mounter.mount("md127", "/mnt/md127", List.of()));

    assertEquals("/dev/md0 is already mounted on /mnt/md127; unmount it first", e.getMessage());
    assertEquals(List.of(PROBE), runner.calls());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/etc", "/etc/x", "/usr/local/data", "/var/lib/data", "/lib64",
      "/boot/efi", "/proc/1", "mnt/x", "/mnt/../etc", "/mnt/x/", "/mnt//x", "/mnt/a b",
      "/mnt/$(x)", ""})
  void mount_onSystemOrMalformedMountPoints_isInvalidArgument_andTouchesNothing(String point) {
    assertEquals(Kind.INVALID_ARGUMENT, assertThrows(RaidvmException.class,
        () -> mounter.mount("md127", point, List.of())).kind());
    assertEquals(List.of(), runner.calls());
    assertEquals(false, Files.exists(dir.resolve("mnt")));
  }

  @Test
  void mount_badOptionOrOsDisk_isRefused_andTouchesNothing() {
    assertEquals(Kind.INVALID_ARGUMENT, assertThrows(RaidvmException.class,
        () -> mounter.mount("md127", "/mnt/x", List.of("ro,exec x"))).kind());
    assertEquals(Kind.FAILED_PRECONDITION, assertThrows(RaidvmException.class,
        () -> mounter.mount("sda1", "/mnt/x", List.of())).kind());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void unmount_byDevice_unmountsEachMount_latestFirst() {
    tree.mounted("md127", "/mnt/a").mounted("md127", "/srv/b");
    List<String> a = List.of("umount", "/mnt/a");
    List<String> b = List.of("umount", "/srv/b");
    runner.answer(a, 0, "", "").answer(b, 0, "", "");

    mounter.unmount("md127");

    assertEquals(List.of(b, a), runner.calls());
  }

  @Test
  void unmount_byMountPoint_andWhenNothingIsMounted_isDoneWithoutError() {
    tree.mounted("md127", "/mnt/a");
    runner.answer(List.of("umount", "/mnt/a"), 0, "", "");

    mounter.unmount("/mnt/a");
    mounter.unmount("/mnt/nothing");
    mounter.unmount("md0");

    assertEquals(List.of(List.of("umount", "/mnt/a")), runner.calls());
  }

  @Test
  void unmount_busy_keepsUmountsStderr() {
    tree.mounted("md127", "/mnt/a");
    tree.mounted("md0", "/mnt/md127");
    runner.answer(List.of("umount", "/mnt/md127"), 32, "",
        Fixtures.read("guest/16-errors/umount-busy.stderr"));

    RaidvmException e = assertThrows(RaidvmException.class, () -> mounter.unmount("/mnt/md127"));

    assertEquals("umount failed (exit 32): umount: /mnt/md127: target is busy. [command: umount"
        + " /mnt/md127]", e.getMessage());
  }

  @Test
  void unmount_rootOrOsDisk_isRefused() {
    assertEquals(Kind.INVALID_ARGUMENT,
        assertThrows(RaidvmException.class, () -> mounter.unmount("/")).kind());
    assertEquals(Kind.FAILED_PRECONDITION,
        assertThrows(RaidvmException.class, () -> mounter.unmount("sda1")).kind());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void usage_byMountPointOrDevice_isTheMountWithStatvfsSizes() throws Exception {
    Files.createDirectories(dir.resolve("mnt/md127"));
    tree.mounted("md127", "/mnt/md127");

    MountedFilesystem byPoint = usage.get("/mnt/md127");
    MountedFilesystem byDevice = usage.get("md127");

    assertEquals("/dev/md127", byPoint.getDevice());
    assertEquals(List.of("rw", "relatime"), byPoint.getOptionsList());
    assertEquals(byPoint.getMountPoint(), byDevice.getMountPoint());
    assertTrue(byPoint.getSizeBytes() >= byPoint.getUsedBytes());
    assertTrue(byPoint.getSizeBytes() >= byPoint.getAvailableBytes());
  }

  @Test
  void usage_ofSomethingNotMounted_isFailedPrecondition() {
    assertEquals("nothing is mounted on /mnt/x", assertThrows(RaidvmException.class,
        () -> usage.get("/mnt/x")).getMessage());
    assertEquals("/dev/md0 (md0) is not mounted", assertThrows(RaidvmException.class,
        () -> usage.get("md0")).getMessage());
  }
}
