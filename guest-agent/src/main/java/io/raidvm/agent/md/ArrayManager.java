package io.raidvm.agent.md;

import io.raidvm.common.md.ArraySpec;
import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.MemberSuperblock;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.SetSyncActionRequest;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.ToolException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * md arrays as a whole: create, look at, scrub. Every check runs before mdadm does; a refused
 * call changes nothing. Members are {@link MemberManager}'s.
 */
public final class ArrayManager {

  /** md's default sync_speed_min: md never throttles a sync below it, whatever the cap. */
  private static final long MIN_SYNC_SPEED_LIMIT_KIB = 1000;
  /** md keeps sync_speed_max in an unsigned int. */
  private static final long MAX_SYNC_SPEED_LIMIT_KIB = 0xFFFF_FFFFL;

  private final Mdadm mdadm;
  private final MdKernelFiles kernel;
  private final SyncActionWriter syncActions;
  private final DeviceResolver resolver;
  private final DeviceGuard guard;
  private final DeviceLocks locks;
  private final ArrayInspector inspector;
  private final SyncOperations operations;

  public ArrayManager(MdContext md) {
    this.mdadm = md.mdadm();
    this.kernel = md.kernel();
    this.syncActions = md.syncActions();
    this.resolver = md.resolver();
    this.guard = md.guard();
    this.locks = md.locks();
    this.inspector = md.inspector();
    this.operations = md.operations();
  }

  /**
   * Checks the request, the name and every device, runs {@code mdadm --create}, and returns an
   * operation that follows the initial sync and ends with the array.
   */
  public Operation create(CreateArrayRequest request) {
    ArraySpec spec = ArraySpec.of(request);
    String name = resolver.arrayName(request.getArray());
    List<BlockDeviceRef> devices = resolveAll(request.getDevicesList());
    List<BlockDeviceRef> spares = resolveAll(request.getSparesList());
    requireDistinct(devices, spares);
    List<String> keys = new ArrayList<>(List.of(name));
    Stream.concat(devices.stream(), spares.stream())
        .forEach(d -> keys.add(d.diskKernelName()));
    try (DeviceLocks.Lease lease = locks.acquire("CreateArray /dev/" + name, keys)) {
      inspector.mdstat().array(name).ifPresent(existing -> {
        throw RaidvmException.failedPrecondition("array %s already exists (%s %s)", name,
            existing.active() ? "active" : "inactive", existing.level());
      });
      String action = "build " + name + " on";
      devices.forEach(d -> guard.requireSafeToOverwrite(d, request.getForce(), action));
      spares.forEach(d -> guard.requireSafeToOverwrite(d, request.getForce(), action));
      mdadm.create(Path.of("/dev", name), spec, paths(devices), paths(spares));
    }
    return operations.follow("create-array", name);
  }

  public List<Array> list() {
    return inspector.list();
  }

  public Array get(String array) {
    return inspector.get(resolver.existingArrayName(array));
  }

  /** As {@link #get}, built from {@code mdadm --detail} (slow; for comparing the two). */
  public Array getFromMdadm(String array) {
    return inspector.getFromMdadm(resolver.existingArrayName(array));
  }

  /** The md superblock on a device; NOT_FOUND when it has none. */
  public MemberSuperblock examine(String device) {
    BlockDeviceRef dev = resolver.resolve(device);
    MdadmExamine sb = mdadm.examine(dev.path()).orElseThrow(() -> RaidvmException.notFound(
        "%s has no md superblock", dev.describe()));
    return MemberSuperblock.newBuilder()
        .setDevice(dev.path().toString())
        .setMetadata(sb.metadata())
        .setArrayUuid(sb.arrayUuid())
        .setDeviceUuid(sb.deviceUuid())
        .setMdName(sb.name())
        .setLevel(sb.level())
        .setRaidDevices(sb.raidDevices())
        .setRole(sb.role())
        .setEvents(sb.events())
        .setState(sb.state())
        .build();
  }

  /**
   * check or repair: refused while the array is degraded or another sync runs; the operation
   * ends when the pass is over, with the array and its mismatch count. idle and frozen: written,
   * and the operation has ended.
   */
  public Operation setSyncAction(String array, SetSyncActionRequest.Action action) {
    String word = switch (action) {
      case CHECK, REPAIR, IDLE, FROZEN -> action.name().toLowerCase(java.util.Locale.ROOT);
      default -> throw RaidvmException.invalidArgument("sync action must be CHECK, REPAIR, IDLE"
          + " or FROZEN, got %s", action);
    };
    String name = resolver.resolveArray(array).kernelName();
    redundantSysfs(name);
    boolean pass = action == SetSyncActionRequest.Action.CHECK
        || action == SetSyncActionRequest.Action.REPAIR;
    try (DeviceLocks.Lease lease = locks.acquire("SetSyncAction " + word + " /dev/" + name,
        List.of(name))) {
      if (pass) {
        requireReadyForPass(name, word, kernel.sysfs(name));
      }
      syncActions.writeSyncAction(name, word);
    }
    return pass ? operations.follow(word, name) : operations.done(word, name);
  }

  /**
   * Caps how fast md syncs, rebuilds and checks the array: {@code maxKibPerS} from 1000 up, or
   * 0 for the system-wide limit. Returns the array.
   */
  public Array setSyncSpeedLimit(String array, long maxKibPerS) {
    if (maxKibPerS != 0 && (Long.compareUnsigned(maxKibPerS, MIN_SYNC_SPEED_LIMIT_KIB) < 0
        || Long.compareUnsigned(maxKibPerS, MAX_SYNC_SPEED_LIMIT_KIB) > 0)) {
      throw RaidvmException.invalidArgument("sync speed limit %s KiB/s is not valid: give 0 for"
          + " the system-wide limit, or %d to %d KiB/s (md never throttles a sync below its"
          + " minimum speed, %d KiB/s by default, so a lower cap would do nothing)",
          Long.toUnsignedString(maxKibPerS), MIN_SYNC_SPEED_LIMIT_KIB, MAX_SYNC_SPEED_LIMIT_KIB,
          MIN_SYNC_SPEED_LIMIT_KIB);
    }
    String name = resolver.resolveArray(array).kernelName();
    redundantSysfs(name);
    kernel.writeSyncSpeedMax(name, maxKibPerS);
    return inspector.get(name);
  }

  /**
   * Starts an array that boot left inactive with a member missing or rebuilding (what mdadm's
   * last-resort unit does after 30 s), then resumes what an auto-read-only array holds back: md keeps an array that came back after a
   * power cut or an unclean stop read-only until its first write, and its resync or recovery
   * with it. Makes such an array read-write ({@code mdadm --readwrite}) and returns an operation
   * that follows the sync; for any other array, one that follows the sync running now, or one
   * already ended when nothing runs or is due.
   */
  public Operation resumeSync(String array) {
    String name = resolver.resolveArray(array).kernelName();
    try (DeviceLocks.Lease lease = locks.acquire("ResumeSync /dev/" + name, List.of(name))) {
      MdSysfs md = kernel.sysfs(name);
      if (md.arrayState().equals("inactive") && !md.members().isEmpty()) {
        // Assembled at boot with a member missing or rebuilding, md waits for the rest; mdadm's
        // last-resort unit starts it after 30 s. Start it now, as that unit does.
        try {
          mdadm.run(Path.of("/dev", name));
        } catch (ToolException e) {
          throw new RaidvmException(RaidvmException.Kind.FAILED_PRECONDITION, String.format(
              "%s did not start: %s. When the guest's kernel log says \"cannot start dirty"
              + " degraded array\", it went down during writes while degraded: md will not start"
              + " it by itself, because stripes written at that moment may hold parity that does"
              + " not match their data (the RAID 5 write hole). Starting it anyway (mdadm"
              + " --assemble --force) is a decision about that data that raidvm does not take"
              + " for you", name, e.getMessage()), e);
        }
        md = kernel.sysfs(name);
      }
      if (ArrayWords.heldByAutoReadOnly(md)) {
        mdadm.readWrite(Path.of("/dev", name));
      } else if (SyncFollower.settled(md)) {
        return operations.done("resume-sync", name);
      }
    }
    return operations.follow("resume-sync", name);
  }

  /** /proc/mdstat as the kernel writes it. */
  public String mdstat() {
    return kernel.mdstat();
  }

  /** The array's sysfs; FAILED_PRECONDITION when its level has nothing to sync (raid0). */
  private MdSysfs redundantSysfs(String name) {
    MdSysfs md = kernel.sysfs(name);
    if (md.syncAction().isEmpty()) {
      throw RaidvmException.failedPrecondition("%s is %s: it has no redundancy to check or"
          + " sync", name, md.level());
    }
    return md;
  }

  private static void requireReadyForPass(String name, String word, MdSysfs md) {
    if (md.degraded() > 0) {
      throw RaidvmException.failedPrecondition("cannot %s %s: it is degraded (%d member(s)"
          + " missing); add a device and let it rebuild first", word, name, md.degraded());
    }
    if (md.syncing()) {
      throw RaidvmException.failedPrecondition("cannot %s %s: a %s is running (%s); wait for it"
          + " or set the sync action to idle", word, name, md.syncAction(), md.syncCompleted());
    }
  }

  private List<BlockDeviceRef> resolveAll(List<String> refs) {
    return refs.stream().map(resolver::resolve).toList();
  }

  private static void requireDistinct(List<BlockDeviceRef> devices, List<BlockDeviceRef> spares) {
    Map<String, BlockDeviceRef> seen = new HashMap<>();
    for (List<BlockDeviceRef> group : List.of(devices, spares)) {
      for (BlockDeviceRef dev : group) {
        BlockDeviceRef before = seen.putIfAbsent(dev.kernelName(), dev);
        if (before != null) {
          throw RaidvmException.invalidArgument("device /dev/%s is given twice (as '%s' and"
              + " '%s')", dev.kernelName(), before.input(), dev.input());
        }
      }
    }
  }

  private static List<Path> paths(List<BlockDeviceRef> devices) {
    return devices.stream().map(BlockDeviceRef::path).toList();
  }
}
