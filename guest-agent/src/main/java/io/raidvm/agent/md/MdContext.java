package io.raidvm.agent.md;

import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.disk.Partitioner;
import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.common.process.CommandRunner;
import java.nio.file.Path;

/**
 * What {@link ArrayManager} and {@link MemberManager} share. The agent's composition root
 * ({@code GuestAgentServer}) makes one, with the resolver, guard, locks and partitioner every
 * other service uses too.
 */
public record MdContext(Mdadm mdadm, MdKernelFiles kernel, SyncActionWriter syncActions,
    DeviceResolver resolver, DeviceGuard guard, DeviceLocks locks, Partitioner partitioner,
    SysfsBlock sysfs, ArrayIdentities identities, ArrayInspector inspector,
    SyncFollower follower,
    SyncOperations operations, ReshapeWindowKeeper windows) {

  /** The guest's: {@code root} is "/", sync_action is written in sysfs, samples a second apart. */
  public static MdContext of(CommandRunner runner, Path root, OperationRegistry operations,
      DeviceResolver resolver, DeviceGuard guard, DeviceLocks locks, Partitioner partitioner) {
    MdKernelFiles kernel = new MdKernelFiles(root);
    return of(runner, root, operations, resolver, guard, locks, partitioner, kernel, kernel,
        d -> Thread.sleep(d.toMillis()));
  }

  /** Tests record the sync_action writes and step through sysfs snapshots between samples. */
  static MdContext of(CommandRunner runner, Path root, OperationRegistry operations,
      SyncActionWriter syncActions, SyncFollower.Sleeper sleeper) {
    DeviceResolver resolver = new DeviceResolver(root);
    DeviceGuard guard = new DeviceGuard(runner, root);
    DeviceLocks locks = new DeviceLocks();
    return of(runner, root, operations, resolver, guard, locks,
        new Partitioner(runner, resolver, guard, locks, root), new MdKernelFiles(root),
        syncActions, sleeper);
  }

  private static MdContext of(CommandRunner runner, Path root, OperationRegistry operations,
      DeviceResolver resolver, DeviceGuard guard, DeviceLocks locks, Partitioner partitioner,
      MdKernelFiles kernel, SyncActionWriter syncActions, SyncFollower.Sleeper sleeper) {
    Mdadm mdadm = new Mdadm(runner);
    SysfsBlock block = new SysfsBlock(root);
    ArrayIdentities identities = new ArrayIdentities(mdadm);
    ArrayInspector inspector = new ArrayInspector(mdadm, kernel, identities, block);
    SyncFollower follower = new SyncFollower(kernel, sleeper);
    return new MdContext(mdadm, kernel, syncActions, resolver, guard, locks, partitioner,
        block, identities, inspector, follower,
        new SyncOperations(operations, follower, inspector),
        new ReshapeWindowKeeper(kernel, sleeper));
  }
}
