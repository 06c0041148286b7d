package io.raidvm.agent.md;

import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;
import java.util.List;

/**
 * Hot spares: devices an array keeps idle until a member fails, when md rebuilds onto one by
 * itself. A spare is what {@code mdadm --add} makes of a device only while the array misses no
 * member — added to a degraded array, md rebuilds onto it at once — so adding one is refused
 * there (that is {@link MemberManager#add}), and removing one is refused for anything md uses.
 */
public final class Spares {

  private final Mdadm mdadm;
  private final MdKernelFiles kernel;
  private final DeviceResolver resolver;
  private final DeviceGuard guard;
  private final DeviceLocks locks;
  private final ArrayInspector inspector;

  public Spares(MdContext md) {
    this.mdadm = md.mdadm();
    this.kernel = md.kernel();
    this.resolver = md.resolver();
    this.guard = md.guard();
    this.locks = md.locks();
    this.inspector = md.inspector();
  }

  /**
   * Adds {@code device} as a hot spare. Refused for a level without redundancy, while the array
   * misses a member or runs no sync thread of its own (inactive), for a member, a device in use
   * and — without {@code force} — one that holds data.
   */
  public Array add(String array, String device, boolean force) {
    String name = resolver.resolveArray(array).kernelName();
    BlockDeviceRef dev = resolver.resolve(device);
    try (DeviceLocks.Lease lease = locks.acquire("AddSpare " + dev.path() + " to /dev/" + name,
        List.of(name, dev.diskKernelName()))) {
      guard.requireNotOsDisk(dev);
      MdSysfs md = kernel.sysfs(name);
      Survivability.requireRedundant(name, md, "spare to rebuild onto");
      if (md.member(dev.kernelName()).isPresent()) {
        throw RaidvmException.failedPrecondition("%s is already a member of %s",
            dev.describe(), name);
      }
      if (md.degraded() > 0) {
        throw RaidvmException.failedPrecondition("%s misses %d member(s): md would rebuild onto"
            + " %s at once instead of keeping it as a spare; to rebuild, add it as a member"
            + " (raidctl raid add)", name, md.degraded(), dev.describe());
      }
      String action = "add as a spare to " + name;
      guard.requireNotInUse(dev, action);
      guard.requireSafeToOverwrite(dev, force, action);
      mdadm.add(Path.of("/dev", name), dev.path());
    }
    return inspector.get(name);
  }

  /**
   * Takes a hot spare out. Refused for an active member, a faulty one (that is {@link
   * MemberManager#remove}) and a spare md is rebuilding into a slot.
   */
  public Array remove(String array, String device) {
    String name = resolver.resolveArray(array).kernelName();
    BlockDeviceRef dev = resolver.resolve(device);
    try (DeviceLocks.Lease lease = locks.acquire("RemoveSpare " + dev.path() + " of /dev/"
        + name, List.of(name, dev.diskKernelName()))) {
      guard.requireNotOsDisk(dev);
      MdSysfs.Member m = kernel.sysfs(name).member(dev.kernelName()).orElseThrow(() ->
          RaidvmException.failedPrecondition("%s is not a member of %s", dev.describe(), name));
      requireIdleSpare(name, dev, m);
      mdadm.remove(Path.of("/dev", name), dev.path());
    }
    return inspector.get(name);
  }

  /** A spare md does not use: not in sync, not faulty, in no slot. */
  static void requireIdleSpare(String array, BlockDeviceRef dev, MdSysfs.Member m) {
    if (m.has("faulty")) {
      throw RaidvmException.failedPrecondition("%s is a faulty member of %s, not a spare: take"
          + " it out with raidctl raid remove", dev.describe(), array);
    }
    if (m.has("in_sync")) {
      throw RaidvmException.failedPrecondition("%s is an active member of %s (slot %d), not a"
          + " spare: to take it out, fail it and remove it (raidctl raid fail, raid remove)",
          dev.describe(), array, m.slot());
    }
    if (m.slot() >= 0) {
      throw RaidvmException.failedPrecondition("%s is no longer a spare: md is rebuilding it"
          + " into slot %d of %s. To take it out, fail it and remove it (raidctl raid fail, raid"
          + " remove)", dev.describe(), m.slot(), array);
    }
  }
}
