package io.raidvm.agent.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestTree;
import io.raidvm.api.agent.v1.PartitionResult;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import io.raidvm.common.process.FakeCommandRunner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionerTest {

  private static final List<String> BLKID = List.of("blkid", "-p", "-o", "export", "/dev/sdc");
  private static final List<String> SESSION = List.of("parted", "-m", "-s", "-a", "optimal",
      "/dev/sdc", "mklabel", "gpt", "unit", "s", "mkpart", "primary", "2048s", "100%", "set",
      "1", "raid", "on", "print", "align-check", "opt", "1");
  private static final List<String> SETTLE = List.of("udevadm", "settle", "--timeout=60");
  private static final String TABLE = Fixtures.read("guest/02-partition/parted-session.stdout");
  private static final List<String> PARTPROBE = List.of("partprobe", "/dev/sdc");

  @TempDir
  Path dir;

  private GuestTree tree;
  private final FakeCommandRunner runner = new FakeCommandRunner();
  private Partitioner partitioner;

  @BeforeEach
  void guest() {
    tree = new GuestTree(dir)
        .disk("sda").partition("sda", "sda1").mounted("sda1", "/")
        .disk("sdc").serial("d3", "sdc");
    partitioner = new Partitioner(runner, new DeviceResolver(dir), new DeviceGuard(runner, dir),
        new DeviceLocks(), dir);
  }

  @Test
  void partition_emptyDisk_runsTheHowtosSession_andReportsThePartition() {
    runner.answer(BLKID, 2, "", "")
        .answer(SESSION, 0, TABLE, "")
        .effect(SESSION, () -> tree.partition("sdc", "sdc1"))
        .answer(SETTLE, 0, "", "");

    PartitionResult result = partitioner.partition("d3", false);

    assertEquals(PartitionResult.newBuilder().setDisk("/dev/sdc").setPartition("/dev/sdc1")
        .setStartSector(2048).setEndSector(131038).setSizeBytes(128991L * 512).setAligned(true)
        .build(), result);
    assertEquals(List.of(BLKID, SESSION, SETTLE), runner.calls());
  }

  @Test
  void partition_whenTheKernelIsLate_asksPartprobe_andMisalignmentIsReported() {
    runner.answer(BLKID, 2, "", "")
        .answer(SESSION, Integer.parseInt(
                Fixtures.read("guest/02-partition/parted-session-misaligned.exit").strip()),
            Fixtures.read("guest/02-partition/parted-session-misaligned.stdout"),
            Fixtures.read("guest/02-partition/parted-session-misaligned.stderr"))
        .answer(SETTLE, 0, "", "")
        .answer(PARTPROBE, 0, "", "")
        .effect(PARTPROBE, () -> tree.partition("sdc", "sdc1"));

    PartitionResult result = partitioner.partition("sdc", false);

    assertEquals(false, result.getAligned());
    assertEquals(35, result.getStartSector());
    assertEquals(List.of(BLKID, SESSION, SETTLE, PARTPROBE, SETTLE),
        runner.calls());
  }

  @Test
  void partition_whenNoPartitionAppears_isFailedPrecondition() {
    runner.answer(SESSION, 0, TABLE, "")
        .answer(SETTLE, 0, "", "").answer(PARTPROBE, 0, "", "");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> partitioner.partition("sdc", true));

    assertEquals("partitioned /dev/sdc (sdc), but the kernel shows no /dev/sdc1; is the disk in"
        + " use?", e.getMessage());
  }

  @Test
  void partition_diskWithAPartitionTable_isRefusedWithoutForce_andNothingIsWritten() {
    runner.answer(BLKID, 0, Fixtures.read("blkid/p-export-gpt-disk.stdout"), "");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> partitioner.partition("d3", false));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("cannot partition /dev/sdc (d3): it holds a gpt partition table; pass force to"
        + " overwrite it", e.getMessage());
    assertEquals(List.of(BLKID), runner.calls());
  }

  @Test
  void partition_withForce_skipsTheSignatureCheck() {
    runner.answer(SESSION, 0, TABLE, "")
        .effect(SESSION, () -> tree.partition("sdc", "sdc1"))
        .answer(SETTLE, 0, "", "");

    partitioner.partition("sdc", true);

    assertEquals(SESSION, runner.calls().get(0));
  }

  @Test
  void partition_aPartition_orTheOsDisk_isRefused_andRunsNothing() {
    assertEquals(Kind.INVALID_ARGUMENT, assertThrows(RaidvmException.class,
        () -> partitioner.partition("sda1", true)).kind());
    assertEquals(Kind.FAILED_PRECONDITION, assertThrows(RaidvmException.class,
        () -> partitioner.partition("sda", true)).kind());
    assertEquals(Kind.INVALID_ARGUMENT, assertThrows(RaidvmException.class,
        () -> partitioner.partition("/dev/sdc; reboot", true)).kind());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void partition_whenPartedFails_keepsItsStderr() {
    runner.answer(SESSION, 1, "",
        Fixtures.read("guest/16-errors/parted-mklabel-mounted.stderr"));

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> partitioner.partition("sdc", true));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("parted failed (exit 1): Error: Partition(s) on /dev/md0 are being used."
        + " [command: " + String.join(" ", SESSION) + "]", e.getMessage());
  }

  @Test
  void firstPartitionName_addsPAfterADigit() {
    assertEquals("sdb1", Partitioner.firstPartitionName("sdb"));
    assertEquals("md0p1", Partitioner.firstPartitionName("md0"));
    assertEquals("nvme0n1p1", Partitioner.firstPartitionName("nvme0n1"));
  }
}
