package io.raidvm.agent.md;

import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.disk.Partitioner;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A whole disk that becomes an array's member the way the howto makes members: one GPT
 * partition from sector 2048 to the end. Checked first ({@link #check}), partitioned after
 * ({@link #partition}), so that the caller can run every other check in between. Resumable: a
 * disk whose only partition is the one raidvm makes and is blank (an earlier run partitioned it
 * and stopped) is used as it is, not partitioned again. Shared by a replace onto a new disk and
 * a grow.
 */
final class NewMemberDisks {

  /**
   * A disk checked for its new member.
   *
   * @param partition its blank partition when it has it already; empty when it is to be
   *     partitioned
   */
  record Checked(BlockDeviceRef disk, Optional<Path> partition, long sizeSectors) {}

  private final DeviceResolver resolver;
  private final DeviceGuard guard;
  private final Partitioner partitioner;
  private final SysfsBlock sysfs;

  NewMemberDisks(MdContext md) {
    this.resolver = md.resolver();
    this.guard = md.guard();
    this.partitioner = md.partitioner();
    this.sysfs = md.sysfs();
  }

  /**
   * A whole disk, not in use and — unless {@code force} — holding no data, or one holding just
   * its blank raid partition. Changes nothing.
   *
   * @param action what the disk is for, for messages ("put into md127 in place of d2")
   */
  Checked check(BlockDeviceRef disk, boolean force, String action) {
    String partName = Partitioner.firstPartitionName(disk.kernelName());
    if (sysfs.partitions(disk.kernelName()).equals(List.of(partName))) {
      BlockDeviceRef part = resolver.resolve(partName);
      guard.requireSafeToOverwrite(part, false, action);
      return new Checked(disk, Optional.of(part.path()), sysfs.sizeSectors(partName));
    }
    if (!disk.kernelName().equals(disk.diskKernelName())) {
      throw RaidvmException.failedPrecondition("%s is a partition: give a whole disk",
          disk.describe());
    }
    partitioner.requirePartitionable(disk, force);
    return new Checked(disk, Optional.empty(), offeredSectors(disk));
  }

  /** The partition of a checked disk: the one it has, or a new one. */
  Path partition(Checked checked) {
    return checked.partition().orElseGet(() ->
        Path.of(partitioner.write(checked.disk()).getPartition()));
  }

  /** How large the partition on {@code disk} will be: sector 2048 to the end, less GPT's backup. */
  long offeredSectors(BlockDeviceRef disk) {
    return Math.max(0, sysfs.sizeSectors(disk.kernelName()) - Partitioner.FIRST_SECTOR
        - Partitioner.GPT_BACKUP_SECTORS);
  }
}
