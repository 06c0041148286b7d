package io.raidvm.agent.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.testing.ArgvDifference;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestTree;
import io.raidvm.agent.testing.Operations;
import io.raidvm.api.agent.v1.Filesystem;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import io.raidvm.common.process.FakeCommandRunner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MkfsTest {

  private static final List<String> BLKID = List.of("blkid", "-p", "-o", "export", "/dev/sdc1");
  private static final List<String> MKFS = List.of("mkfs.ext4", "-L", "data", "/dev/sdc1");

  @TempDir
  Path dir;

  private GuestTree tree;
  private final FakeCommandRunner runner = new FakeCommandRunner();
  private final OperationRegistry operations = new OperationRegistry();
  private Mkfs mkfs;

  @BeforeEach
  void guest() {
    tree = new GuestTree(dir)
        .disk("sda").partition("sda", "sda1").mounted("sda1", "/")
        .disk("sdc").partition("sdc", "sdc1").serial("d3-part1", "sdc1");
    mkfs = new Mkfs(runner, new DeviceResolver(dir), new DeviceGuard(runner, dir),
        new DeviceLocks(), operations);
  }

  @Test
  void make_onAnEmptyPartition_runsMkfsWithoutF_andEndsWithTheFilesystem() throws Exception {
    Fixtures.answerAsCapturedFor(runner, MKFS, "17-fsck/mkfs-without-F", ArgvDifference
            .because("captured on md127 without a label; a label changes no line mke2fs prints")
            .renamed("/dev/md127", "/dev/sdc1").added("-L", "data"))
        .answer(BLKID, 0, Fixtures.read("blkid/p-export-empty-partition.stdout"), "")
        .effect(MKFS, () -> runner.answer(BLKID, 0,
            Fixtures.read("blkid/p-export-ext4-partition.stdout"), ""));

    Operation started = mkfs.make("d3-part1", "", "data", List.of(), false);
    Operation done = Operations.awaitEnd(operations, started);

    assertEquals("mkfs", started.getKind());
    assertEquals("/dev/sdc1", started.getTarget());
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertEquals(Filesystem.newBuilder().setDevice("/dev/sdc1").setType("ext4")
        .setUuid("ca7efeb0-ac04-4cbb-a13e-ba8cbe6964d4").setLabel("data")
        .setSizeBytes(192000L * 1024).build(), done.getFilesystem());
    assertEquals("Writing superblocks and filesystem accounting information",
        done.getProgress().getPhase());
    assertEquals(List.of(BLKID, MKFS, BLKID), runner.calls());
  }

  @Test
  void make_withForce_passesF_andOptionsEachAsOneArgument() throws Exception {
    List<String> forced = List.of("mkfs.ext4", "-F", "-E", "stride=128,stripe-width=384",
        "/dev/sdc1");
    runner.answer(forced, 0, Fixtures.read("mkfs/ext4-label.stdout"), "")
        .answer(BLKID, 0, Fixtures.read("blkid/p-export-ext4-partition.stdout"), "");

    Operation done = Operations.awaitEnd(operations,
        mkfs.make("sdc1", "ext4", "", List.of("-E", "stride=128,stripe-width=384"), true));

    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertEquals(List.of(forced, BLKID), runner.calls());
  }

  @Test
  void make_overAFilesystem_isRefusedAtOnce_withoutAnOperation_andMkfsNeverRuns() {
    runner.answer(BLKID, 0, Fixtures.read("blkid/p-export-ext4-partition.stdout"), "");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> mkfs.make("sdc1", "", "data", List.of(), false));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("cannot make a filesystem on /dev/sdc1 (sdc1): it holds an ext4 filesystem"
        + " signature; pass force to overwrite it", e.getMessage());
    assertEquals(List.of(BLKID), runner.calls());
    assertEquals(List.of(), operations.list());
  }

  @Test
  void make_badInput_isInvalidArgument_andTouchesNothing() {
    for (Runnable bad : List.<Runnable>of(
        () -> mkfs.make("sdc1", "btrfs", "", List.of(), false),
        () -> mkfs.make("sdc1", "xfs", "", List.of("-b4096"), false),
        () -> mkfs.make("sdc1", "xfs", "label of 13 b", List.of(), false),
        () -> mkfs.make("sdc1", "", "a label far too long", List.of(), false),
        () -> mkfs.make("sdc1", "", "", List.of("-F"), false),
        () -> mkfs.make("sdc1", "", "", List.of("-qF"), false),
        () -> mkfs.make("sdc1", "", "", List.of("-d", "/etc"), false),
        () -> mkfs.make("sdc1", "", "", List.of("-E x"), false),
        () -> mkfs.make("../sdc1", "", "", List.of(), false))) {
      assertEquals(Kind.INVALID_ARGUMENT, assertThrows(RaidvmException.class, bad::run).kind());
    }
    assertEquals(List.of(), runner.calls());
    assertEquals(List.of(), operations.list());
  }

  @Test
  void make_whenOptionClustersForce_isRefused_andMkfsNeverRuns() {
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> mkfs.make("sdc1", "", "", List.of("-Fb4096"), true));

    assertEquals(Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().startsWith("mkfs option -F (in '-Fb4096') is not allowed: set"
        + " force instead"), e.getMessage());
    assertEquals(List.of(), runner.calls());
    assertEquals(List.of(), operations.list());
  }

  @Test
  void make_passesOptionsAsGetoptReadsThem_eachValueItsOwnArgument() throws Exception {
    List<String> argv = List.of("mkfs.ext4", "-F", "-j", "-b", "4096", "-m", "0",
        "/dev/sdc1");
    runner.answer(argv, 0, Fixtures.read("mkfs/ext4-label.stdout"), "")
        .answer(BLKID, 0, Fixtures.read("blkid/p-export-ext4-partition.stdout"), "");

    Operation done = Operations.awaitEnd(operations,
        mkfs.make("sdc1", "ext4", "", List.of("-jb4096", "-m0"), true));

    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertEquals(List.of(argv, BLKID), runner.calls());
  }

  @Test
  void make_onTheOsDisk_isRefusedEvenWithForce() {
    assertEquals(Kind.FAILED_PRECONDITION, assertThrows(RaidvmException.class,
        () -> mkfs.make("sda1", "", "", List.of(), true)).kind());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void make_whenMkfsFails_theOperationFailsWithItsStderr() throws Exception {
    List<String> forced = List.of("mkfs.ext4", "-F", "/dev/sdc1");
    runner.answer(forced, 1, "", Fixtures.read("guest/16-errors/mkfs-mounted-force.stderr"));

    Operation done = Operations.awaitEnd(operations, mkfs.make("sdc1", "", "", List.of(), true));

    assertEquals(Operation.State.FAILED, done.getState());
    assertEquals("FAILED_PRECONDITION", done.getErrorCode());
    assertEquals("mkfs.ext4 failed (exit 1): mke2fs 1.47.0 (5-Feb-2023)\n/dev/md127 is mounted;"
        + " will not make a filesystem here! [command: mkfs.ext4 -F /dev/sdc1]",
        done.getErrorMessage());
  }

  @Test
  void make_xfs_runsMkfsXfs_andEndsWithTheSizeItReports() throws Exception {
    List<String> mkfsXfs = List.of("mkfs.xfs", "-L", "data", "/dev/sdc1");
    tree.size("sdc1", Long.parseLong(Fixtures.read("guest-xfs/X2-mkfs/blockdev-size.stdout")
        .strip()));
    Fixtures.answerAsCapturedFor(runner, mkfsXfs, "guest-xfs/X2-mkfs/mkfs", ArgvDifference
            .because("captured on md120 without a label; a label changes no line mkfs.xfs"
                + " prints but its own").renamed("/dev/md120", "/dev/sdc1").added("-L", "data"))
        .answer(BLKID, 0, Fixtures.read("blkid/p-export-empty-partition.stdout"), "")
        .effect(mkfsXfs, () -> runner.answer(BLKID, 0,
            Fixtures.read("guest-xfs/X2-mkfs/blkid.stdout"), ""));

    Operation done = Operations.awaitEnd(operations,
        mkfs.make("d3-part1", "xfs", "data", List.of(), false));

    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertEquals("xfs", done.getFilesystem().getType());
    assertEquals(Mkfs.sizeBytes(Fixtures.read("guest-xfs/X2-mkfs/mkfs.stdout")),
        done.getFilesystem().getSizeBytes());
    assertEquals(List.of(BLKID, mkfsXfs, BLKID), runner.calls());
  }

  @Test
  void sizeBytes_readsWhatMkfsXfsSays() {
    // "data     =                       bsize=4096   blocks=76800, imaxpct=25"
    assertEquals(76800L * 4096, Mkfs.sizeBytes(Fixtures.read("guest-xfs/X1-floor/mkfs-300m"
        + ".stdout")));
    assertEquals(0, Mkfs.sizeBytes("nothing it knows"));
  }

  @Test
  void make_xfsUnder300MiB_isRefusedBeforeMkfsRuns_whereMkfsXfsItselfRefuses() {
    // The floor is mkfs.xfs's own: captured, 299 MiB refused and 300 MiB made.
    assertTrue(Fixtures.read("guest-xfs/X1-floor/mkfs-299m.stderr")
        .startsWith("Filesystem must be larger than 300MB."));
    assertEquals("0", Fixtures.read("guest-xfs/X1-floor/mkfs-300m.exit").strip());
    long small = Long.parseLong(Fixtures.read("guest-xfs/X1-floor/blockdev-size.stdout")
        .strip());
    assertTrue(Fixtures.read("guest-xfs/X1-floor/mkfs-small.stderr")
        .contains("\nFilesystem must be larger than 300MB.\n"));
    tree.size("sdc1", small);

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> mkfs.make("sdc1", "xfs", "", List.of(), true));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("/dev/sdc1 (sdc1) holds " + io.raidvm.common.Sizes.human(small) + ", too small"
        + " for xfs: mkfs.xfs refuses filesystems under 300 MiB; make ext4, or xfs on a larger"
        + " device", e.getMessage());
    assertEquals(List.of(), runner.calls());
    assertEquals(List.of(), operations.list());
    tree.size("sdc1", 300L << 20);
    Mkfs.requireXfsSize(new DeviceResolver(dir).resolve("sdc1"), 300L << 20);
  }
}
