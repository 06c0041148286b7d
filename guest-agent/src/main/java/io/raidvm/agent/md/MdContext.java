package io.raidvm.agent.md;

import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.disk.Partitioner;
import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.common.process.CommandRunner;
import java.nio.file.Path;

/** What {@link ArrayManager} and {@link MemberManager} share, wired once. */
record MdContext(Mdadm mdadm, MdKernelFiles kernel, SyncActionWriter syncActions,
    DeviceResolver resolver, DeviceGuard guard, Partitioner partitioner, SysfsBlock sysfs,
    ArrayInspector inspector, SyncFollower follower, SyncOperations operations) {

  /** The guest's: {@code root} is "/", sync_action is written in sysfs, samples a second apart. */
  static MdContext of(CommandRunner runner, Path root, OperationRegistry operations) {
    MdKernelFiles kernel = new MdKernelFiles(root);
    return of(runner, root, operations, kernel, kernel, d -> Thread.sleep(d.toMillis()));
  }

  /** Tests record the sync_action writes and step through sysfs snapshots between samples. */
  static MdContext of(CommandRunner runner, Path root, OperationRegistry operations,
      SyncActionWriter syncActions, SyncFollower.Sleeper sleeper) {
    return of(runner, root, operations, new MdKernelFiles(root), syncActions, sleeper);
  }

  private static MdContext of(CommandRunner runner, Path root, OperationRegistry operations,
      MdKernelFiles kernel, SyncActionWriter syncActions, SyncFollower.Sleeper sleeper) {
    Mdadm mdadm = new Mdadm(runner);
    DeviceResolver resolver = new DeviceResolver(root);
    DeviceGuard guard = new DeviceGuard(runner, root);
    ArrayInspector inspector = new ArrayInspector(mdadm, kernel);
    SyncFollower follower = new SyncFollower(kernel, sleeper);
    return new MdContext(mdadm, kernel, syncActions, resolver, guard,
        new Partitioner(runner, resolver, guard, root), new SysfsBlock(root), inspector,
        follower, new SyncOperations(operations, follower, inspector));
  }
}
