package io.raidvm.agent.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.agent.testing.ArgvDifference;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestTree;
import io.raidvm.agent.testing.Operations;
import io.raidvm.api.agent.v1.FilesystemCheck;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.FakeCommandRunner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class E2fsckTest {

  /** The guard's look for an md superblock before it touches the array's filesystem. */
  private static final List<String> PROBE = List.of("blkid", "-p", "-o", "export", "/dev/md127");

  private static final List<String> FSCK = List.of("e2fsck", "-f", "-y", "/dev/md127");
  private static final List<String> UMOUNT = List.of("umount", "/mnt/md127");
  private static final List<String> REMOUNT = List.of("mount", "-o",
      "rw,noatime,stripe=384", "/dev/md127", "/mnt/md127");

  @TempDir
  Path dir;

  private GuestTree tree;
  private final FakeCommandRunner runner = new FakeCommandRunner();
  private final OperationRegistry operations = new OperationRegistry();
  private E2fsck e2fsck;

  @BeforeEach
  void guest() {
    tree = new GuestTree(dir).disk("sda").mounted("sda", "/").disk("md127");
    e2fsck = new E2fsck(runner, new DeviceResolver(dir), new DeviceGuard(runner, dir),
        new DeviceLocks(), new MountTable(dir), operations);
    runner.answer(PROBE, 0,
        Fixtures.read("guest/05-mkfs-mount/blkid-p-export.stdout"), "");
  }

  private void mountMd127() {
    tree.mountinfo("60 1 8:1 / /mnt/md127 rw,noatime shared:40 - ext4 /dev/md127"
        + " rw,stripe=384");
  }

  @Test
  void check_unmounted_clean_isNoErrors_withTheOutput() throws Exception {
    Fixtures.answerAsCaptured(runner, FSCK, "17-fsck/e2fsck-fy");

    Operation done = Operations.awaitEnd(operations, e2fsck.check("md127"));

    FilesystemCheck check = done.getFilesystemCheck();
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertEquals(0, check.getExitCode());
    assertEquals(List.of("no errors"), check.getMeaningsList());
    assertEquals(false, check.getRemounted());
    assertEquals(true, check.getOutput().startsWith("e2fsck 1.47.0 (5-Feb-2023)\nPass 1:"));
    assertEquals("Pass 5: Checking group summary information", done.getProgress().getPhase());
    assertEquals(List.of(PROBE, FSCK), runner.calls());
  }

  @Test
  void check_mounted_unmountsFirst_andRemountsWithTheSameOptions() throws Exception {
    mountMd127();
    runner.answer(UMOUNT, 0, "", "").answer(REMOUNT, 0, "", "")
        .answer(FSCK, 1, Fixtures.read("e2fsck/corrected.stdout"),
            Fixtures.read("e2fsck/corrected.stderr"));

    Operation done = Operations.awaitEnd(operations, e2fsck.check("/dev/md127"));

    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertEquals(List.of("errors corrected"), done.getFilesystemCheck().getMeaningsList());
    assertEquals(true, done.getFilesystemCheck().getRemounted());
    assertEquals(List.of(PROBE, UMOUNT, FSCK, REMOUNT), runner.calls());
  }

  @Test
  void check_errorsLeft_failsWithTheOutput_andLeavesItUnmounted() throws Exception {
    mountMd127();
    runner.answer(UMOUNT, 0, "", "").answer(FSCK, 4, "md127: ********** WARNING: Filesystem"
        + " still has errors **********\n", "e2fsck 1.47.0 (5-Feb-2023)\n");

    Operation done = Operations.awaitEnd(operations, e2fsck.check("md127"));

    assertEquals(Operation.State.FAILED, done.getState());
    assertEquals("FAILED_PRECONDITION", done.getErrorCode());
    assertEquals("e2fsck failed (exit 4): errors left uncorrected (left unmounted)\ne2fsck 1.47.0"
        + " (5-Feb-2023)\nmd127: ********** WARNING: Filesystem still has errors **********"
        + " [command: e2fsck -f -y /dev/md127]", done.getErrorMessage());
    assertEquals(List.of(PROBE, UMOUNT, FSCK), runner.calls());
  }

  @Test
  void check_operationalError_onTheRealMountedMessage_fails() throws Exception {
    runner.answer(FSCK, 8, Fixtures.read("e2fsck/mounted.stdout"),
        Fixtures.read("e2fsck/mounted.stderr"));

    Operation done = Operations.awaitEnd(operations, e2fsck.check("md127"));

    assertEquals(Operation.State.FAILED, done.getState());
    assertEquals(true, done.getErrorMessage().contains("operational error"));
    assertEquals(true, done.getErrorMessage().contains("e2fsck: Cannot continue, aborting."));
  }

  @Test
  void check_theOsDisk_isRefused_withoutAnOperation() {
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION,
        assertThrows(RaidvmException.class, () -> e2fsck.check("sda")).kind());
    assertEquals(List.of(), runner.calls());
    assertEquals(List.of(), operations.list());
  }

  @Test
  void meanings_nameEverySetBit() {
    assertEquals(List.of("no errors"), E2fsck.meanings(0));
    assertEquals(List.of("errors corrected", "errors corrected, reboot needed"),
        E2fsck.meanings(3));
    assertEquals(List.of("errors left uncorrected", "operational error", "usage or syntax error",
        "cancelled by the user", "shared library error"), E2fsck.meanings(4 | 8 | 16 | 32 | 128));
  }

  @Test
  void check_xfs_isXfsRepairN_aCheckThatChangesNothing() throws Exception {
    List<String> repair = List.of("xfs_repair", "-n", "/dev/md127");
    runner.answer(PROBE, 0, Fixtures.read("guest-xfs/X2-mkfs/blkid.stdout"), "");
    Fixtures.answerAsCapturedFor(runner, repair, "guest-xfs/X2-mkfs/repair-check",
        ArgvDifference.because("captured on md120").renamed("/dev/md120", "/dev/md127"));

    Operation done = Operations.awaitEnd(operations, e2fsck.check("md127"));

    FilesystemCheck check = done.getFilesystemCheck();
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertEquals(List.of("no errors"), check.getMeaningsList());
    assertTrue(check.getOutput().contains("Phase 1 - find and verify superblock..."),
        check.getOutput());
    assertEquals("Phase 7 - verify link counts...", done.getProgress().getPhase());
    assertEquals(7, done.getProgress().getTotal());
    assertEquals(List.of(PROBE, repair), runner.calls());
  }

  @Test
  void check_xfs_whenXfsRepairCannotRun_failsWithItsOutput_andLeavesItUnmounted()
      throws Exception {
    List<String> repair = List.of("xfs_repair", "-n", "/dev/md127");
    tree.mountinfo("60 1 8:1 / /mnt/md127 rw,noatime shared:40 - xfs /dev/md127 rw");
    runner.answer(PROBE, 0, Fixtures.read("guest-xfs/X2-mkfs/blkid.stdout"), "")
        .answer(UMOUNT, 0, "", "");
    // The real exit 1 of xfs_repair -n (here: run on the mounted filesystem in the capture).
    Fixtures.answerAsCapturedFor(runner, repair, "guest-xfs/X2-mkfs/repair-check-mounted",
        ArgvDifference.because("captured on md120").renamed("/dev/md120", "/dev/md127"));

    Operation done = Operations.awaitEnd(operations, e2fsck.check("md127"));

    assertEquals(Operation.State.FAILED, done.getState());
    assertEquals("FAILED_PRECONDITION", done.getErrorCode());
    assertTrue(done.getErrorMessage().startsWith("xfs_repair failed (exit 1): corruption found,"
        + " or the check could not run (see its output); nothing changed (left unmounted)"),
        done.getErrorMessage());
    assertTrue(done.getErrorMessage().contains("couldn't initialize XFS library"),
        done.getErrorMessage());
    assertEquals(List.of(PROBE, UMOUNT, repair), runner.calls());
  }
}
