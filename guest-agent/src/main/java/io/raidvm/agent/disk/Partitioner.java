package io.raidvm.agent.disk;

import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.api.agent.v1.PartitionResult;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The howto's partitioning step: a new GPT label with one partition from sector 2048 to the end,
 * raid flag on, alignment checked; returns once the kernel shows the partition's node.
 */
public final class Partitioner {

  /** Where the partition starts (the howto's 2048s, 1 MiB). */
  public static final long FIRST_SECTOR = 2048;
  /** What GPT keeps at the end of the disk: the backup header and entries (captured: 33). */
  public static final long GPT_BACKUP_SECTORS = 33;

  static final Command SETTLE = Command.of("udevadm", "settle", "--timeout=60")
      .withTimeout(Duration.ofSeconds(90));

  private final CommandRunner runner;
  private final DeviceResolver resolver;
  private final DeviceGuard guard;
  private final DeviceLocks locks;
  private final SysfsBlock sysfs;

  /** {@code root} is "/" in the guest; tests pass a directory laid out like /sys. */
  public Partitioner(CommandRunner runner, DeviceResolver resolver, DeviceGuard guard,
      DeviceLocks locks, Path root) {
    this.runner = runner;
    this.resolver = resolver;
    this.guard = guard;
    this.locks = locks;
    this.sysfs = new SysfsBlock(root);
  }

  /** Checks, then labels the disk, holding its lock throughout. */
  public PartitionResult partition(String device, boolean force) {
    BlockDeviceRef disk = resolver.resolve(device);
    try (DeviceLocks.Lease lease = locks.acquire("Partition /dev/" + disk.kernelName(),
        List.of(disk.diskKernelName()))) {
      requirePartitionable(disk, force);
      return write(disk);
    }
  }

  /**
   * Every check {@link #partition} makes before it writes: a whole disk, not in use, and —
   * unless {@code force} — holding no data. Changes nothing.
   */
  public void requirePartitionable(BlockDeviceRef disk, boolean force) {
    if (disk.partition()) {
      throw RaidvmException.invalidArgument("%s is a partition: give its whole disk, /dev/%s",
          disk.describe(), disk.diskKernelName());
    }
    guard.requireSafeToOverwrite(disk, force, "partition");
  }

  /**
   * Writes the label on a disk the caller has checked ({@link #requirePartitionable}) and whose
   * lock it holds; returns once the kernel shows the partition.
   */
  public PartitionResult write(BlockDeviceRef disk) {
    CommandResult session = runner.run(Parted.labelWithRaidPartition(disk.path()));
    boolean aligned = session.succeeded();
    if (!aligned && !(session.exitCode() == 1 && session.stderr().isBlank())) {
      session.orThrow();
    }
    Parted.Table table = Parted.parse(session.stdout());
    // Last: every parted run that opened the disk for writing makes udev re-probe it, and the
    // partition's by-id link is only there for callers once those events are done.
    String partition = awaitFirstPartition(disk);
    Parted.Partition first = table.partition(1);
    return PartitionResult.newBuilder()
        .setDisk(disk.path().toString())
        .setPartition("/dev/" + partition)
        .setStartSector(first.startSector())
        .setEndSector(first.endSector())
        .setSizeBytes(first.sizeSectors() * table.logicalSectorSize())
        .setAligned(aligned)
        .build();
  }

  /**
   * parted tells the kernel itself; udev then makes the node and the by-id links. When the
   * kernel still shows no partition, partprobe asks it to re-read the table once more.
   */
  private String awaitFirstPartition(BlockDeviceRef disk) {
    String name = firstPartitionName(disk.kernelName());
    runner.run(SETTLE);
    if (!sysfs.exists(name)) {
      runner.run(Command.of("partprobe", disk.path().toString())).orThrow();
      runner.run(SETTLE);
    }
    if (!sysfs.exists(name)) {
      throw RaidvmException.failedPrecondition("partitioned %s, but the kernel shows no /dev/%s;"
          + " is the disk in use?", disk.describe(), name);
    }
    return name;
  }

  /** "sdb" → "sdb1"; names ending in a digit take a "p": "md0" → "md0p1", "nvme0n1p1". */
  public static String firstPartitionName(String disk) {
    return Character.isDigit(disk.charAt(disk.length() - 1)) ? disk + "p1" : disk + "1";
  }
}
