package io.raidvm.agent.md;

import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.agent.boot.BootConfig;
import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.fs.Mount;
import io.raidvm.agent.fs.MountTable;
import io.raidvm.agent.fs.Mounter;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Member;
import io.raidvm.api.agent.v1.StopArrayResponse;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.ToolException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Stops an array. md refuses to stop one that is open (mounted, held), but says only "Cannot get
 * exclusive access": the checks here name what holds it first, and keep an array that /etc/fstab
 * mounts at boot from being stopped by accident. An unmount is never lazy: a lazy one would
 * leave the filesystem open, and md would then refuse the stop anyway, with the mount gone.
 */
public final class ArrayStopper {

  private final Mdadm mdadm;
  private final DeviceResolver resolver;
  private final DeviceLocks locks;
  private final SysfsBlock sysfs;
  private final ArrayInspector inspector;
  private final MountTable mounts;
  private final Mounter mounter;
  private final BootConfig boot;
  private final ReshapeGuard reshapes;

  public ArrayStopper(MdContext md, MountTable mounts, Mounter mounter, BootConfig boot) {
    this.mdadm = md.mdadm();
    this.resolver = md.resolver();
    this.locks = md.locks();
    this.sysfs = md.sysfs();
    this.inspector = md.inspector();
    this.mounts = mounts;
    this.mounter = mounter;
    this.boot = boot;
    this.reshapes = new ReshapeGuard(md.kernel());
  }

  /** What stopping the array takes: the mounts of it and its partitions, its fstab lines. */
  public record Use(List<String> mountPoints, List<String> fstabLines, List<String> holders) {}

  /** The array's mounts (its own and its partitions'), fstab lines and holders now. */
  public Use use(BlockDeviceRef array) {
    Set<String> points = new LinkedHashSet<>();
    List<String> holders = new ArrayList<>(sysfs.holders(array.kernelName()));
    for (BlockDeviceRef dev : withPartitions(array)) {
      mounts.of(dev).stream().map(Mount::mountPoint).forEach(points::add);
      if (!dev.equals(array)) {
        holders.addAll(sysfs.holders(dev.kernelName()));
      }
    }
    List<String> lines = new ArrayList<>();
    for (BlockDeviceRef dev : withPartitions(array)) {
      boot.fstabLines(dev, points).stream().filter(l -> !lines.contains(l)).forEach(lines::add);
    }
    return new Use(List.copyOf(points), lines, holders);
  }

  /**
   * Stops the array; with {@code alsoUnmount}, its filesystems are unmounted first. Refused
   * (nothing done) while something holds it, and without {@code alsoUnmount} while it is mounted
   * or in /etc/fstab.
   */
  public StopArrayResponse stop(String array, boolean alsoUnmount) {
    BlockDeviceRef dev = resolver.resolveArray(array);
    String name = dev.kernelName();
    try (DeviceLocks.Lease lease = locks.acquire("StopArray " + dev.path(), List.of(name))) {
      requireNotReshaping(name);
      Use use = use(dev);
      requireStoppable(name, use, alsoUnmount);
      Array before = inspector.get(name);
      StopArrayResponse.Builder answer = StopArrayResponse.newBuilder().setArray(name)
          .setUuid(before.getUuid())
          .addAllMembers(before.getMembersList().stream().map(Member::getDevice).toList());
      for (int i = use.mountPoints().size() - 1; i >= 0; i--) {
        unmount(name, use.mountPoints().get(i));
        answer.addUnmounted(use.mountPoints().get(i));
      }
      stopNow(name);
      return answer.build();
    }
  }

  /** Refuses, FAILED_PRECONDITION, to stop an array md reshapes: its data would be at risk. */
  void requireNotReshaping(String name) {
    reshapes.requireNone(Optional.of(name), "stop " + name, "");
  }

  /** Refuses, FAILED_PRECONDITION, what would keep the stop from being safe or possible. */
  static void requireStoppable(String name, Use use, boolean alsoUnmount) {
    if (!use.holders().isEmpty()) {
      throw RaidvmException.failedPrecondition("cannot stop %s: %s is built on it (LVM, another"
          + " array or device-mapper); take that down first", name,
          String.join(", ", use.holders()));
    }
    if (alsoUnmount) {
      return;
    }
    List<String> reasons = new ArrayList<>();
    if (!use.mountPoints().isEmpty()) {
      reasons.add("it is mounted on " + String.join(", ", use.mountPoints()));
    }
    if (!use.fstabLines().isEmpty()) {
      reasons.add("/etc/fstab mounts it at boot ('" + String.join("', '", use.fstabLines())
          + "')");
    }
    if (!reasons.isEmpty()) {
      throw RaidvmException.failedPrecondition("cannot stop %s: %s. Pass also_unmount"
          + " (raidctl raid stop --also-unmount) to unmount it first, or retire it (raidctl raid"
          + " retire) to take it out of fstab too", name, String.join(", and ", reasons));
    }
  }

  /** Unmounts one mount point; a busy filesystem stops everything before the array is touched. */
  void unmount(String name, String point) {
    try {
      mounter.unmount(point);
    } catch (ToolException e) {
      throw new RaidvmException(RaidvmException.Kind.FAILED_PRECONDITION, String.format(
          "cannot stop %s: unmounting %s failed: %s. Something still uses it (a shell in it, an"
          + " open file): close that and try again", name, point, e.getMessage()), e);
    }
  }

  /** {@code mdadm --stop}, with md's "exclusive access" refusal said in words. */
  void stopNow(String name) {
    try {
      mdadm.stop(Path.of("/dev", name));
    } catch (ToolException e) {
      if (e.stderr() != null && e.stderr().contains("exclusive access")) {
        throw new RaidvmException(RaidvmException.Kind.FAILED_PRECONDITION, String.format(
            "cannot stop %s: the kernel says it is in use (%s)", name, e.getMessage()), e);
      }
      throw e;
    }
  }

  private List<BlockDeviceRef> withPartitions(BlockDeviceRef array) {
    List<BlockDeviceRef> devs = new ArrayList<>(List.of(array));
    sysfs.partitions(array.kernelName()).forEach(p -> devs.add(resolver.resolve(p)));
    return devs;
  }
}
