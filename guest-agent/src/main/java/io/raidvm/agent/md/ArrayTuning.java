package io.raidvm.agent.md;

import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Settings of a running array that move no data: its write-intent bitmap (after a crash or a
 * member's brief absence md resyncs only the regions the bitmap marks, at the cost of a write to
 * it before each burst of writes) and write-mostly members (md reads from the others, e.g. a
 * slow or remote mirror). Both idempotent: asking for what is set already runs nothing.
 */
public final class ArrayTuning {

  /** Levels whose reads md balances, and so skip a write-mostly member. */
  private static final Set<String> READ_BALANCED = Set.of("raid1", "raid10");

  private final Mdadm mdadm;
  private final MdKernelFiles kernel;
  private final DeviceResolver resolver;
  private final DeviceLocks locks;
  private final ArrayInspector inspector;

  public ArrayTuning(MdContext md) {
    this.mdadm = md.mdadm();
    this.kernel = md.kernel();
    this.resolver = md.resolver();
    this.locks = md.locks();
    this.inspector = md.inspector();
  }

  /**
   * Adds an internal bitmap ({@code internal}) or removes the bitmap ({@code mdadm --grow
   * --bitmap=…}). Refused for a level without redundancy and while a sync or reshape runs (md
   * cannot change the bitmap then).
   */
  public Array setBitmap(String array, boolean internal) {
    String name = resolver.resolveArray(array).kernelName();
    try (DeviceLocks.Lease lease = locks.acquire("SetBitmap /dev/" + name, List.of(name))) {
      MdSysfs md = kernel.sysfs(name);
      Survivability.requireRedundant(name, md, "write-intent bitmap");
      String now = inspector.get(name).getBitmap();
      if (now.equals(internal ? "internal" : "none")) {
        return inspector.get(name);
      }
      if (!internal && !now.equals("internal")) {
        throw RaidvmException.failedPrecondition("%s has an external bitmap (%s); raidvm only"
            + " removes internal ones", name, now);
      }
      if (md.syncing()) {
        throw RaidvmException.failedPrecondition("cannot change the bitmap of %s while a %s"
            + " runs (%s); wait for it to end (raidctl raid wait)", name, md.syncAction(),
            md.syncCompleted());
      }
      mdadm.growBitmap(Path.of("/dev", name), internal);
    }
    return inspector.get(name);
  }

  /**
   * Marks a member write-mostly or clears the mark (md sysfs {@code dev-NAME/state}: {@code
   * writemostly}, {@code -writemostly}). Only raid1 and raid10 balance reads, so only there.
   */
  public Array setWriteMostly(String array, String device, boolean writeMostly) {
    String name = resolver.resolveArray(array).kernelName();
    BlockDeviceRef dev = resolver.resolve(device);
    try (DeviceLocks.Lease lease = locks.acquire("SetWriteMostly " + dev.path() + " of /dev/"
        + name, List.of(name))) {
      MdSysfs md = kernel.sysfs(name);
      if (!READ_BALANCED.contains(md.level())) {
        throw RaidvmException.failedPrecondition("%s is %s: write-mostly only matters where md"
            + " chooses which mirror to read from (raid1, raid10)", name,
            md.level().isEmpty() ? "inactive" : md.level());
      }
      MdSysfs.Member m = md.member(dev.kernelName()).orElseThrow(() ->
          RaidvmException.failedPrecondition("%s is not a member of %s", dev.describe(), name));
      if (m.has("write_mostly") != writeMostly) {
        kernel.writeMemberState(name, m.name(), writeMostly ? "writemostly" : "-writemostly");
      }
    }
    return inspector.get(name);
  }
}
