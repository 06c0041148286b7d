package io.raidvm.agent.fs;

import io.raidvm.common.fs.MountOptions;
import io.raidvm.common.fs.MountPoint;
import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.api.agent.v1.MountedFilesystem;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Mounts and unmounts data filesystems; both are idempotent. */
public final class Mounter {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private final CommandRunner runner;
  private final DeviceResolver resolver;
  private final DeviceGuard guard;
  private final DeviceLocks locks;
  private final MountTable table;
  private final Usage usage;
  private final Path root;

  /** {@code root} is "/" in the guest; mount points are created below it. */
  public Mounter(CommandRunner runner, DeviceResolver resolver, DeviceGuard guard,
      DeviceLocks locks, MountTable table, Usage usage, Path root) {
    this.runner = runner;
    this.resolver = resolver;
    this.guard = guard;
    this.locks = locks;
    this.table = table;
    this.usage = usage;
    this.root = root;
  }

  static Command mountCommand(Path device, String mountPoint, List<String> options) {
    List<String> argv = new ArrayList<>(List.of("mount"));
    if (!options.isEmpty()) {
      argv.addAll(List.of("-o", String.join(",", options)));
    }
    argv.addAll(List.of(device.toString(), mountPoint));
    return Command.of(argv).withTimeout(TIMEOUT);
  }

  static Command umountCommand(String mountPoint) {
    return Command.of("umount", mountPoint).withTimeout(TIMEOUT);
  }

  /**
   * Mounts the device on the mount point, creating the directory when missing. Already mounted
   * there: nothing runs and the mount is returned as it is (also with other options).
   */
  public MountedFilesystem mount(String device, String mountPoint, List<String> options) {
    BlockDeviceRef dev = resolver.resolve(device);
    String target = MountPoint.requireMountable(mountPoint);
    MountOptions.require(options);
    try (DeviceLocks.Lease lease = locks.acquire("Mount " + dev.path() + " on " + target,
        List.of(dev.diskKernelName()))) {
      guard.requireNotArrayMember(dev, "mount");
      return mountChecked(dev, target, options);
    }
  }

  private MountedFilesystem mountChecked(BlockDeviceRef dev, String target,
      List<String> options) {
    Optional<Mount> there = table.at(target);
    if (there.isPresent()) {
      if (table.isOf(there.get(), dev)) {
        return usage.describe(there.get());
      }
      throw RaidvmException.failedPrecondition("%s is already mounted on %s; unmount it first",
          there.get().source(), target);
    }
    createDirectory(target);
    runner.run(mountCommand(dev.path(), target, options)).orThrow();
    return usage.describe(table.at(target).orElseThrow(() -> RaidvmException.internal(
        "mount succeeded but nothing is mounted on " + target, null)));
  }

  /**
   * {@code target} is a mount point or a device (all its mounts are unmounted, the latest
   * first). Nothing mounted: nothing to do.
   */
  public void unmount(String target) {
    List<Mount> mounts;
    if (target != null && target.startsWith("/") && !target.startsWith("/dev/")) {
      mounts = table.at(MountPoint.requireMountable(target)).stream().toList();
    } else {
      BlockDeviceRef dev = resolver.resolve(target);
      guard.requireNotOsDisk(dev);
      mounts = table.of(dev);
    }
    for (int i = mounts.size() - 1; i >= 0; i--) {
      runner.run(umountCommand(mounts.get(i).mountPoint())).orThrow();
    }
  }

  private void createDirectory(String mountPoint) {
    Path dir = root.resolve(mountPoint.substring(1));
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw RaidvmException.failedPrecondition("cannot mount on %s: it exists and is not a"
          + " directory", mountPoint);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot create " + mountPoint + ": " + e.getMessage(), e);
    }
  }
}
