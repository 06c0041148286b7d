package io.raidvm.agent.md;

import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.disk.Partitioner;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.ToolException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

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
  private final DeviceLocks locks;
  private final Partitioner partitioner;
  private final SysfsBlock sysfs;
  private final ArrayInspector inspector;
  private final SyncFollower follower;
  private final SyncOperations operations;
  private final NewMemberDisks newDisks;

  public MemberManager(MdContext md) {
    this.mdadm = md.mdadm();
    this.kernel = md.kernel();
    this.syncActions = md.syncActions();
    this.resolver = md.resolver();
    this.guard = md.guard();
    this.locks = md.locks();
    this.partitioner = md.partitioner();
    this.sysfs = md.sysfs();
    this.inspector = md.inspector();
    this.follower = md.follower();
    this.operations = md.operations();
    this.newDisks = new NewMemberDisks(md);
  }

  /**
   * {@code mdadm --manage --fail}: md stops using the member; it stays listed as faulty. Refused
   * when the array would not survive it, unless {@code allowDataLoss}.
   */
  public Array fail(String array, String device, boolean allowDataLoss) {
    Target t = member(array, device);
    try (DeviceLocks.Lease lease = lock("FailMember", t, List.of())) {
      Target now = member(array, device);
      Survivability.require(now.array(), now.md(), now.device().kernelName(),
          now.device().describe(), "fail", allowDataLoss);
      mdadm.fail(now.arrayPath(), now.device().path());
    }
    return inspector.get(t.array());
  }

  /**
   * {@code mdadm --manage --remove} of a faulty or spare member. When the kernel says it is busy
   * (a sync holds it), the sync is frozen for the removal and set back to idle after.
   */
  public Array remove(String array, String device) {
    Target t = member(array, device);
    try (DeviceLocks.Lease lease = lock("RemoveMember", t, List.of())) {
      Target now = member(array, device);
      requireNotActive(now);
      removeFrozenIfBusy(now);
    }
    return inspector.get(t.array());
  }

  /**
   * Re-adds a device whose superblock belongs to this array (falling back to a plain add when md
   * will not take it back), else adds it as a new member; the operation follows the recovery.
   * A device in use is refused always; one that holds data only without {@code force}.
   */
  public Operation add(String array, String device, boolean force) {
    String name = resolver.resolveArray(array).kernelName();
    BlockDeviceRef dev = resolver.resolve(device);
    try (DeviceLocks.Lease lease = locks.acquire("AddMember " + dev.path() + " to /dev/" + name,
        List.of(name, dev.diskKernelName()))) {
      guard.requireNotOsDisk(dev);
      if (inspector.entry(name).member(dev.kernelName()).isPresent()) {
        throw RaidvmException.failedPrecondition("%s is already a member of %s", dev.describe(),
            name);
      }
      String action = "extend " + name + " with";
      guard.requireNotInUse(dev, action);
      Path arrayPath = Path.of("/dev", name);
      Optional<MdadmExamine> superblock = mdadm.examine(dev.path());
      String uuid = MdadmDetail.parse(mdadm.detailExport(arrayPath), "").uuid();
      if (superblock.isPresent() && superblock.get().arrayUuid().equals(uuid)) {
        reAddOrAdd(arrayPath, dev.path());
      } else {
        guard.requireSafeToOverwrite(dev, force, action);
        mdadm.add(arrayPath, dev.path());
      }
    }
    return operations.follow("add-member", name);
  }

  /**
   * Wipes the md superblock of a device that no array holds (a device in use is refused
   * always). Without {@code force}, also refused when the superblock belongs to an array that
   * is not running: it may be what that array needs to assemble.
   */
  public void zeroSuperblock(String device, boolean force) {
    BlockDeviceRef dev = resolver.resolve(device);
    try (DeviceLocks.Lease lease = locks.acquire("ZeroSuperblock " + dev.path(),
        List.of(dev.diskKernelName()))) {
      guard.requireNotInUse(dev, "zero the md superblock of");
      Optional<MdadmExamine> superblock = mdadm.examine(dev.path());
      if (superblock.isEmpty()) {
        return;
      }
      if (!force && inspector.withUuid(superblock.get().arrayUuid()).isEmpty()) {
        throw RaidvmException.failedPrecondition("%s holds the md superblock of array %s (%s),"
            + " which is not running: it may be a member that array needs to assemble; pass"
            + " force to wipe it anyway", dev.describe(), superblock.get().arrayUuid(),
            superblock.get().name());
      }
      mdadm.zeroSuperblock(dev.path());
    }
  }

  /**
   * fail → remove → zero-superblock → partition the new disk (or the member's own) → add.
   * Every check runs first (the array survives without the member, the new disk is free, whole,
   * large enough, and — unless forced — holds no data); a step that still fails says what was
   * done and how to go on. Returns once the recovery has started, with an operation that
   * follows it.
   */
  public Operation replace(String array, String device, String newDisk, boolean force,
      boolean allowDataLoss) {
    Optional<Target> present = presentMember(array, device);
    if (present.isEmpty()) {
      return replaceGone(array, device, newDisk, force);
    }
    Target first = present.get();
    BlockDeviceRef disk = newDisk.isEmpty()
        ? resolver.resolve(first.device().diskKernelName()) : resolver.resolve(newDisk);
    try (DeviceLocks.Lease lease = lock("ReplaceMember", first, List.of(disk.diskKernelName()))) {
      Target t = member(array, device);
      boolean ownDisk = disk.kernelName().equals(t.device().diskKernelName());
      Survivability.require(t.array(), t.md(), t.device().kernelName(), t.device().describe(),
          "replace", allowDataLoss);
      if (ownDisk) {
        requireOnlyPartition(t, disk);
      } else {
        partitioner.requirePartitionable(disk, force);
        requireLargeEnough(t, disk);
      }
      Steps steps = new Steps(t, disk);
      if (!t.sysfs().has("faulty")) {
        steps.run("fail " + t.device().path(), () -> mdadm.fail(t.arrayPath(), t.device().path()));
      }
      steps.run("remove " + t.device().path(), () -> removeFrozenIfBusy(t));
      steps.run("zero the superblock of " + t.device().path(),
          () -> mdadm.zeroSuperblock(t.device().path()));
      String partition = steps.call("partition " + disk.path(),
          () -> partitioner.write(disk).getPartition());
      steps.run("add " + partition, () -> mdadm.add(t.arrayPath(), Path.of(partition)));
    }
    try {
      follower.awaitStart(first.array());
    } catch (InterruptedException e) {
      throw RaidvmException.interrupted("waiting for " + first.array() + " to start its recovery",
          e);
    }
    return operations.follow("replace-member", first.array());
  }

  /**
   * The member, or empty when it is gone from the array: its device no longer exists (the disk
   * was pulled, md dropped it) or is no member any more (a replace that stopped after the
   * remove). Other refusals (a malformed name, the OS disk, no such array) stand.
   */
  private Optional<Target> presentMember(String array, String device) {
    String name = resolver.resolveArray(array).kernelName();
    BlockDeviceRef dev;
    try {
      dev = resolver.resolve(device);
    } catch (RaidvmException e) {
      if (e.kind() == RaidvmException.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
    guard.requireNotOsDisk(dev);
    MdSysfs md = kernel.sysfs(name);
    return md.member(dev.kernelName()).map(m -> new Target(name, dev, md, m));
  }

  /**
   * A replace whose old member is gone already (pulled, or taken out by an earlier run of the
   * same replace): fills the array's missing slot with the new disk. Resumable: a new disk whose
   * partition is already a member is followed; one whose only partition is blank (an earlier
   * run partitioned it) is added as it is; otherwise it is partitioned first (blank unless
   * {@code force}). Refused when the array misses no member: then there is nothing to replace.
   */
  private Operation replaceGone(String array, String device, String newDisk, boolean force) {
    String name = resolver.resolveArray(array).kernelName();
    if (newDisk.isEmpty()) {
      throw RaidvmException.failedPrecondition("%s is not a member of %s (any more): name the"
          + " disk to put in its place (raidctl raid replace … --new-disk DISK)", device, name);
    }
    BlockDeviceRef disk = resolver.resolve(newDisk);
    String partName = Partitioner.firstPartitionName(disk.kernelName());
    try (DeviceLocks.Lease lease = locks.acquire("ReplaceMember " + device + " of /dev/" + name
        + " by " + disk.path(), List.of(name, disk.diskKernelName()))) {
      guard.requireNotOsDisk(disk);
      MdSysfs md = kernel.sysfs(name);
      if (md.member(partName).isPresent()) {
        // Added by an earlier run: follow its recovery.
      } else if (md.degraded() == 0) {
        throw RaidvmException.failedPrecondition("%s is not a member of %s, and %s misses no"
            + " member (%s): there is nothing to replace", device, name, name,
            standing(name));
      } else {
        Path arrayPath = Path.of("/dev", name);
        Path partition = newDisks.partition(newDisks.check(disk, force,
            "put into " + name + " in place of " + device));
        try {
          mdadm.add(arrayPath, partition);
        } catch (RaidvmException e) {
          throw new RaidvmException(e.kind(), String.format("replace of %s in %s stopped at"
              + " \"add %s\": %s. %s is partitioned; %s is now %s. To go on: run the same"
              + " replace again", device, name, partition, e.getMessage(), disk.path(), name,
              standing(name)), e);
        }
      }
    }
    try {
      follower.awaitStart(name);
    } catch (InterruptedException e) {
      throw RaidvmException.interrupted("waiting for " + name + " to start its recovery", e);
    }
    return operations.follow("replace-member", name);
  }

  /** An array, one of its members, and what sysfs says about that member. */
  private record Target(String array, BlockDeviceRef device, MdSysfs md, MdSysfs.Member sysfs) {
    Path arrayPath() {
      return Path.of("/dev", array);
    }
  }

  /**
   * The steps of a replace done so far; a failing step becomes an error that says what was
   * done, where the array stands, and the commands that finish the job.
   */
  private final class Steps {
    private final Target target;
    private final BlockDeviceRef disk;
    private final List<String> done = new ArrayList<>();

    Steps(Target target, BlockDeviceRef disk) {
      this.target = target;
      this.disk = disk;
    }

    void run(String step, Runnable action) {
      call(step, () -> {
        action.run();
        return null;
      });
    }

    <T> T call(String step, Supplier<T> action) {
      try {
        T result = action.get();
        done.add(step);
        return result;
      } catch (RaidvmException e) {
        throw new RaidvmException(e.kind(), message(step, e), e);
      }
    }

    private String message(String step, RaidvmException e) {
      String partition = "/dev/" + Partitioner.firstPartitionName(disk.kernelName());
      String next = switch (done.size()) {
        case 0 -> "nothing was changed; fix the cause and run the same replace again";
        case 1 -> "run the same replace again: it skips the fail";
        case 2 -> "finish by hand: raidctl raid zero-superblock VM " + target.device().path()
            + "; raidctl blk partition VM " + disk.path() + " --force; raidctl raid add VM "
            + target.array() + " " + partition;
        case 3 -> "finish by hand: raidctl blk partition VM " + disk.path()
            + " --force; raidctl raid add VM " + target.array() + " " + partition;
        default -> "finish by hand: raidctl raid add VM " + target.array() + " " + partition;
      };
      return String.format("replace of %s in %s stopped at \"%s\": %s. Done before it: %s. %s"
          + " is now %s. To go on: %s", target.device().describe(), target.array(), step,
          e.getMessage(), done.isEmpty() ? "nothing" : String.join(", ", done), target.array(),
          standing(target.array()), next);
    }
  }

  /** "raid5, 3 of 4 member slots working (degraded)" for messages; what sysfs says. */
  private String standing(String array) {
    try {
      MdSysfs md = kernel.sysfs(array);
      int working = Survivability.working(md).size();
      return String.format("%s, %d of %d member slots working%s, array_state %s", md.level(),
          working, md.raidDisks(), working < md.raidDisks() ? " (degraded)" : "",
          md.arrayState());
    } catch (RaidvmException e) {
      return "unknown (" + e.getMessage() + ")";
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

  /** The array, the member's disk and {@code more}; the checks then run under the lease. */
  private DeviceLocks.Lease lock(String call, Target t, List<String> more) {
    List<String> keys = new ArrayList<>(List.of(t.array(), t.device().diskKernelName()));
    keys.addAll(more);
    return locks.acquire(call + " " + t.device().path() + " of /dev/" + t.array(), keys);
  }

  private static void requireNotActive(Target t) {
    if (t.sysfs().has("in_sync") && !t.sysfs().has("faulty")) {
      throw RaidvmException.failedPrecondition("cannot remove %s: it is an active member of %s;"
          + " fail it first", t.device().describe(), t.array());
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

  /**
   * The partition made on the new disk (sector 2048 to the end, less the GPT's backup) must be
   * at least as large as the member it replaces.
   */
  private void requireLargeEnough(Target t, BlockDeviceRef disk) {
    long needed = sysfs.sizeSectors(t.device().kernelName());
    long offered = newDisks.offeredSectors(disk);
    if (needed > 0 && offered < needed) {
      throw RaidvmException.failedPrecondition("cannot replace %s with %s: its partition would"
          + " be %d sectors, the member it replaces has %d; give a disk at least as large as"
          + " /dev/%s", t.device().describe(), disk.describe(), offered, needed,
          t.device().diskKernelName());
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
