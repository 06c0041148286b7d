package io.raidvm.agent.md;

import io.raidvm.common.md.RaidLevel;
import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.disk.Partitioner;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.ToolException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The members of md arrays: fail, remove, add, zero a superblock, replace a drive. Every check
 * runs before mdadm does; a refused call changes nothing.
 */
public final class MemberManager {

  private final Mdadm mdadm;
  private final MdKernelFiles kernel;
  private final SyncActionWriter syncActions;
  private final DeviceResolver resolver;
  private final DeviceGuard guard;
  private final Partitioner partitioner;
  private final SysfsBlock sysfs;
  private final ArrayInspector inspector;
  private final SyncFollower follower;
  private final SyncOperations operations;

  MemberManager(MdContext md) {
    this.mdadm = md.mdadm();
    this.kernel = md.kernel();
    this.syncActions = md.syncActions();
    this.resolver = md.resolver();
    this.guard = md.guard();
    this.partitioner = md.partitioner();
    this.sysfs = md.sysfs();
    this.inspector = md.inspector();
    this.follower = md.follower();
    this.operations = md.operations();
  }

  /** {@code mdadm --manage --fail}: md stops using the member; it stays listed as faulty. */
  public Array fail(String array, String device) {
    Target t = member(array, device);
    mdadm.fail(t.arrayPath(), t.device().path());
    return inspector.get(t.array());
  }

  /**
   * {@code mdadm --manage --remove} of a faulty or spare member. When the kernel says it is busy
   * (a sync holds it), the sync is frozen for the removal and set back to idle after.
   */
  public Array remove(String array, String device) {
    Target t = member(array, device);
    requireNotActive(t);
    removeFrozenIfBusy(t);
    return inspector.get(t.array());
  }

  /**
   * Re-adds a device whose superblock belongs to this array (falling back to a plain add when md
   * will not take it back), else adds it as a new member; the operation follows the recovery.
   */
  public Operation add(String array, String device, boolean force) {
    String name = resolver.resolveArray(array).kernelName();
    BlockDeviceRef dev = resolver.resolve(device);
    guard.requireNotOsDisk(dev);
    if (inspector.entry(name).member(dev.kernelName()).isPresent()) {
      throw RaidvmException.failedPrecondition("%s is already a member of %s", dev.describe(),
          name);
    }
    Path arrayPath = Path.of("/dev", name);
    Optional<MdadmExamine> superblock = mdadm.examine(dev.path());
    String uuid = MdadmDetail.parse(mdadm.detailExport(arrayPath), "").uuid();
    if (superblock.isPresent() && superblock.get().arrayUuid().equals(uuid)) {
      reAddOrAdd(arrayPath, dev.path());
    } else {
      guard.requireSafeToOverwrite(dev, force, "extend " + name + " with");
      mdadm.add(arrayPath, dev.path());
    }
    return operations.follow("add-member", name);
  }

  /** Wipes the md superblock; refused for a member of an array unless forced. */
  public void zeroSuperblock(String device, boolean force) {
    BlockDeviceRef dev = resolver.resolve(device);
    guard.requireNotOsDisk(dev);
    if (!force) {
      inspector.mdstat().arrays().stream()
          .filter(a -> a.member(dev.kernelName()).isPresent())
          .findFirst()
          .ifPresent(a -> {
            throw RaidvmException.failedPrecondition("%s is a member of %s: remove it from the"
                + " array first, or pass force", dev.describe(), a.name());
          });
    }
    mdadm.zeroSuperblock(dev.path());
  }

  /**
   * fail → remove → zero-superblock → partition the new disk (or the member's own) → add.
   * Returns once the recovery has started, with an operation that follows it.
   */
  public Operation replace(String array, String device, String newDisk, boolean force) {
    Target t = member(array, device);
    requireSurvivesLoss(t);
    BlockDeviceRef disk = newDisk.isEmpty() ? resolver.resolve(t.device().diskKernelName())
        : resolver.resolve(newDisk);
    boolean ownDisk = disk.kernelName().equals(t.device().diskKernelName());
    if (ownDisk) {
      requireOnlyPartition(t, disk);
    } else {
      guard.requireSafeToOverwrite(disk, force, "partition");
    }
    if (!t.sysfs().has("faulty")) {
      mdadm.fail(t.arrayPath(), t.device().path());
    }
    removeFrozenIfBusy(t);
    mdadm.zeroSuperblock(t.device().path());
    String partition = partitioner.partition(disk.path().toString(), ownDisk || force).getPartition();
    mdadm.add(t.arrayPath(), Path.of(partition));
    try {
      follower.awaitStart(t.array());
    } catch (InterruptedException e) {
      throw RaidvmException.interrupted("waiting for " + t.array() + " to start its recovery", e);
    }
    return operations.follow("replace-member", t.array());
  }

  /** An array, one of its members, and what sysfs says about that member. */
  private record Target(String array, BlockDeviceRef device, MdSysfs md, MdSysfs.Member sysfs) {
    Path arrayPath() {
      return Path.of("/dev", array);
    }
  }

  private Target member(String array, String device) {
    String name = resolver.resolveArray(array).kernelName();
    BlockDeviceRef dev = resolver.resolve(device);
    guard.requireNotOsDisk(dev);
    MdSysfs md = kernel.sysfs(name);
    MdSysfs.Member member = md.member(dev.kernelName()).orElseThrow(() ->
        RaidvmException.failedPrecondition("%s is not a member of %s", dev.describe(), name));
    return new Target(name, dev, md, member);
  }

  private static void requireNotActive(Target t) {
    if (t.sysfs().has("in_sync") && !t.sysfs().has("faulty")) {
      throw RaidvmException.failedPrecondition("cannot remove %s: it is an active member of %s;"
          + " fail it first", t.device().describe(), t.array());
    }
  }

  /** Taking an active member out must leave the array running. */
  private static void requireSurvivesLoss(Target t) {
    if (t.sysfs().has("faulty") || !t.sysfs().has("in_sync")) {
      return;
    }
    RaidLevel level = RaidLevel.parse(t.md().level());
    if (t.md().degraded() + 1 > level.survivableFailures(t.md().raidDisks())) {
      throw RaidvmException.failedPrecondition("cannot replace %s: %s (%s, %d member(s) already"
          + " missing) would fail without it; add a device to rebuild it first",
          t.device().describe(), t.array(), level, t.md().degraded());
    }
  }

  /** Re-partitioning the member's own disk must not take anything else with it. */
  private void requireOnlyPartition(Target t, BlockDeviceRef disk) {
    List<String> others = sysfs.partitions(disk.kernelName()).stream()
        .filter(p -> !p.equals(t.device().kernelName())).toList();
    if (!others.isEmpty()) {
      throw RaidvmException.failedPrecondition("cannot re-partition %s for %s: it also holds %s;"
          + " give a new disk", disk.describe(), t.array(), String.join(", ", others));
    }
  }

  private void removeFrozenIfBusy(Target t) {
    try {
      mdadm.remove(t.arrayPath(), t.device().path());
    } catch (ToolException e) {
      if (!Mdadm.busy(e)) {
        throw e;
      }
      syncActions.writeSyncAction(t.array(), "frozen");
      try {
        mdadm.remove(t.arrayPath(), t.device().path());
      } finally {
        syncActions.writeSyncAction(t.array(), "idle");
      }
    }
  }

  private void reAddOrAdd(Path array, Path device) {
    try {
      mdadm.reAdd(array, device);
    } catch (ToolException e) {
      mdadm.add(array, device);
    }
  }
}
