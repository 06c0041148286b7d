package io.raidvm.agent.md;

import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.md.ArrayNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Assembles a stopped array by its UUID, from the devices {@code mdadm --examine --scan} finds
 * its superblock on. A degraded start is a decision about the data (a member that is missing may
 * only be late), so it is refused, before mdadm runs, unless asked for ({@code --run}); without
 * it mdadm starts nothing degraded either.
 */
public final class ArrayAssembler {

  private final Mdadm mdadm;
  private final DeviceResolver resolver;
  private final DeviceLocks locks;
  private final SysfsBlock sysfs;
  private final ArrayInspector inspector;

  public ArrayAssembler(MdContext md) {
    this.mdadm = md.mdadm();
    this.resolver = md.resolver();
    this.locks = md.locks();
    this.sysfs = md.sysfs();
    this.inspector = md.inspector();
  }

  /**
   * @param array the name to assemble it as ("md127"); "" for the one its superblock asks for
   */
  public Array assemble(String uuid, String array, boolean allowDegraded) {
    if (ExamineScan.hex(uuid).length() != 32) {
      throw RaidvmException.invalidArgument("'%s' is not an array UUID: give the 32 hex digits"
          + " mdadm prints, e.g. ec44b2e5:884eb3e1:44fa02b1:fed4abc8", uuid);
    }
    String name = array.isEmpty() ? "" : ArrayNames.require(array);
    Optional<String> running = inspector.withUuid(uuid);
    if (running.isPresent()) {
      return inspector.get(running.get());
    }
    ExamineScan.Entry entry = ExamineScan.parse(mdadm.examineScan()).find(uuid).orElseThrow(
        () -> RaidvmException.notFound("no device carries the superblock of an array with UUID"
            + " %s (mdadm --examine --scan)", uuid));
    List<String> keys = new ArrayList<>(entry.devices().stream()
        .map(d -> sysfs.diskOf(Path.of(d).getFileName().toString())).distinct().toList());
    if (!name.isEmpty()) {
      keys.add(name);
    }
    try (DeviceLocks.Lease lease = locks.acquire("AssembleArray " + uuid, keys)) {
      requireEnough(uuid, entry, allowDegraded);
      // An md device that /proc/mdstat does not list is what a stopped array leaves for a
      // moment (udev still holds it after mdadm --stop); mdadm assembles into it. One it lists
      // (running or inactive) is another array's.
      if (!name.isEmpty() && inspector.mdstat().array(name).isPresent()) {
        throw RaidvmException.alreadyExists("cannot assemble %s as %s: %s exists already (%s);"
            + " give another name, or none", uuid, name, name, describe(name));
      }
      Path device = name.isEmpty() ? Path.of(entry.device()) : Path.of("/dev", name);
      mdadm.assemble(device, entry.uuid(), allowDegraded,
          entry.devices().stream().map(Path::of).toList());
    }
    return inspector.get(inspector.withUuid(uuid).orElseThrow(() -> RaidvmException.internal(
        "mdadm assembled " + uuid + " but no running array has that UUID", null)));
  }

  /** All member slots have a device, or the caller accepts a degraded start. */
  static void requireEnough(String uuid, ExamineScan.Entry entry, boolean allowDegraded) {
    if (entry.memberCount() >= entry.raidDevices() || allowDegraded) {
      return;
    }
    throw RaidvmException.failedPrecondition("array %s (%s, %s) has %d member slots, and only"
        + " %d device(s) carry its superblock (%s): it would start degraded. Find the missing"
        + " member(s), or pass allow_degraded (raidctl raid assemble --degraded) to start it"
        + " without them", uuid, entry.device(), entry.level(), entry.raidDevices(),
        entry.memberCount(), String.join(", ", entry.devices()));
  }

  private String describe(String name) {
    return inspector.mdstat().array(name).map(a -> (a.active() ? "active " : "inactive ")
        + a.level()).orElse("an array");
  }
}
