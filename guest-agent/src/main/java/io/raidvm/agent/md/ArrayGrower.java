package io.raidvm.agent.md;

import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.disk.Partitioner;
import io.raidvm.agent.fs.FilesystemGrower;
import io.raidvm.agent.ops.OperationHandle;
import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.api.agent.v1.GrowArrayRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.ToolException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Grows and reshapes arrays ({@code mdadm --grow}): one more member, raid5 ↔ raid6, another
 * chunk; then, if asked, the filesystem on the array. Every check runs before the first change
 * ({@link ReshapePlan} for what md can do, the new device's for the device). Returns once md has
 * started the reshape, with an operation that follows it to its end.
 *
 * <p>Resumable: the reshape itself is md's, in the kernel, and goes on when the agent dies; md
 * records its position in the superblocks and, after a reboot or power cut, continues from there
 * once the array is assembled read-write. The same grow run again finds the array reshaping (or
 * with its new shape) and only follows it — continuing with {@code mdadm --grow --continue} from
 * the backup file where one was needed and the reshape stands still — then grows the filesystem.
 *
 * <p>Backup file: mdadm 4.2 with 1.2 metadata reshapes by moving each member's data offset into
 * the free space the superblock left, and needs no backup file for that; where it says it needs
 * one (no room to move), the agent gives it one on the OS disk, never on the array:
 * {@code /var/lib/raidvm-agent/reshape/<array>.backup}, the same path for the same array, so
 * that a continue finds it.
 */
public final class ArrayGrower {

  /** Where backup files of reshapes live, below the guest's root: the OS disk. */
  public static final Path BACKUP_DIR = Path.of("var/lib/raidvm-agent/reshape");

  private final Mdadm mdadm;
  private final MdKernelFiles kernel;
  private final SysfsBlock block;
  private final DeviceResolver resolver;
  private final DeviceGuard guard;
  private final DeviceLocks locks;
  private final ArrayInspector inspector;
  private final SyncFollower follower;
  private final ReshapeWindowKeeper windows;
  private final OperationRegistry operations;
  private final NewMemberDisks newDisks;
  private final FilesystemGrower filesystems;
  private final Path backupDir;

  /** {@code root} is "/" in the guest: backup files go below it. */
  public ArrayGrower(MdContext md, OperationRegistry operations, FilesystemGrower filesystems,
      Path root) {
    this.mdadm = md.mdadm();
    this.kernel = md.kernel();
    this.block = md.sysfs();
    this.resolver = md.resolver();
    this.guard = md.guard();
    this.locks = md.locks();
    this.inspector = md.inspector();
    this.follower = md.follower();
    this.windows = md.windows();
    this.operations = operations;
    this.newDisks = new NewMemberDisks(md);
    this.filesystems = filesystems;
    this.backupDir = root.resolve(BACKUP_DIR);
  }

  /** The backup file a reshape of {@code array} uses, when mdadm needs one. */
  Path backupFile(String array) {
    return backupDir.resolve(array + ".backup");
  }

  /**
   * Checks everything, adds the new device (partitioning a new disk first), starts the reshape
   * and returns an operation that follows it, then grows the filesystem when asked.
   */
  public Operation grow(GrowArrayRequest request) {
    if (!request.getNewDisk().isEmpty() && !request.getPartition().isEmpty()) {
      throw RaidvmException.invalidArgument("give new_disk (a whole disk, partitioned like the"
          + " other members) or partition (added as it is), not both");
    }
    ReshapePlan.Request wanted = new ReshapePlan.Request(request.getLevel(),
        request.getRaidDevices(), request.getChunkKib());
    BlockDeviceRef array = resolver.resolveArray(request.getArray());
    String name = array.kernelName();
    Optional<BlockDeviceRef> device = device(request);
    List<String> keys = new ArrayList<>(List.of(name));
    device.ifPresent(d -> keys.add(d.diskKernelName()));
    Started started;
    try (DeviceLocks.Lease lease = locks.acquire("GrowArray /dev/" + name, keys)) {
      MdSysfs md = kernel.sysfs(name);
      if (request.getGrowFilesystem()) {
        filesystems.requireGrowable(array);
      }
      device.ifPresent(guard::requireNotOsDisk);
      if (md.reshaping()) {
        requireNoNewMember(name, md, device);
        started = resume(name, md);
      } else {
        started = start(name, md, wanted, device, request.getForce());
      }
    }
    try {
      follower.awaitStart(name);
    } catch (InterruptedException e) {
      throw RaidvmException.interrupted("waiting for " + name + " to start its reshape", e);
    }
    OperationHandle handle = operations.start("grow-array", array.path().toString(),
        started.hint());
    boolean growFilesystem = request.getGrowFilesystem();
    return operations.runInBackground(handle, h -> {
      Optional<Thread> keeper = started.window().map(w -> keep(name, w));
      follower.follow(name, h);
      if (keeper.isPresent()) {
        keeper.get().join();
      }
      if (growFilesystem) {
        h.progress(Progress.newBuilder().setPhase("growing the filesystem").build());
        String done = filesystems.grow(array);
        h.progress(Progress.newBuilder().setPhase(done).build());
      }
      h.succeed(result -> result.setArray(inspector.get(name)));
    });
  }

  /** A reshape under way: the operation's resume hint, and the window to keep, if any. */
  private record Started(String hint, Optional<ReshapeWindow> window) {}

  /** {@link ReshapeWindowKeeper#hold}, for a caller that cannot be interrupted. */
  private boolean hold(String name, long unit) {
    try {
      return windows.hold(name, unit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RaidvmException.interrupted("holding the reshape of " + name, e);
    }
  }

  /** Keeps the reshape's window beside the follower ({@link ReshapeWindowKeeper}). */
  private Thread keep(String name, ReshapeWindow window) {
    Thread t = new Thread(() -> {
      try {
        windows.keep(name, window);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "reshape-window-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * A grow that finds no reshape: plans it, checks the device, adds it, holds md (raid4/5/6,
   * {@link ReshapeWindowKeeper}), starts the reshape.
   */
  private Started start(String name, MdSysfs md, ReshapePlan.Request wanted,
      Optional<BlockDeviceRef> device, boolean force) {
    Optional<String> memberName = device.map(this::memberName);
    Optional<MdSysfs.Member> member = memberName.flatMap(md::member);
    // The device is the member more unless it serves a slot already; a spare of this array
    // (added by a run that stopped before --grow) is not added again.
    int adding = device.isPresent() && member.filter(m -> m.slot() >= 0).isEmpty() ? 1 : 0;
    int spares = (int) md.members().stream().filter(m -> m.slot() < 0 && !m.has("faulty")
        && !memberName.map(m.name()::equals).orElse(false)).count();
    ReshapePlan plan = ReshapePlan.of(name, md, wanted, adding, spares);
    if (plan.reached()) {
      return new Started(hint(name, false, false, false), Optional.empty());
    }
    Optional<NewMemberDisks.Checked> newMember = adding == 0 || member.isPresent()
        ? Optional.empty() : Optional.of(checkNewMember(name, md, device.get(), force));
    Path arrayPath = Path.of("/dev", name);
    Path backup = backupFile(name);
    removeStale(backup);
    // Held before the new member comes: right after an add md may be deciding whether to
    // rebuild onto it, and refuses a lower sync_max meanwhile (EBUSY, seen in CI).
    Optional<Long> restriped = ReshapeWindowKeeper.unit(md, plan);
    Optional<Long> unit = restriped.isPresent() && hold(name, restriped.get()) ? restriped
        : Optional.empty();
    Optional<Path> added;
    try {
      added = newMember.map(newDisks::partition);
      added.ifPresent(p -> mdadm.add(arrayPath, p));
    } catch (RuntimeException e) {
      unit.ifPresent(u -> windows.release(name));
      throw e;
    }
    boolean needsBackup;
    try {
      mdadm.grow(arrayPath, plan.options(), Optional.empty());
      needsBackup = false;
    } catch (ToolException e) {
      unit.ifPresent(u -> windows.release(name));
      if (!Mdadm.needsBackupFile(e)) {
        throw stopped(name, plan, added, e);
      }
      needsBackup = true;
    } catch (RuntimeException e) {
      unit.ifPresent(u -> windows.release(name));
      throw e;
    }
    if (!needsBackup) {
      Optional<ReshapeWindow> window = unit.flatMap(u -> windows.window(name, u));
      return new Started(hint(name, false, window.isPresent(), restriped.isPresent()
          && window.isEmpty() && windows.unprotected(name)), window);
    }
    try {
      Files.createDirectories(backup.getParent());
      mdadm.grow(arrayPath, plan.options(), Optional.of(backup));
      return new Started(hint(name, true, false, false), Optional.empty());
    } catch (IOException e) {
      throw RaidvmException.internal("cannot create " + backup.getParent() + ": "
          + e.getMessage(), e);
    } catch (RaidvmException e) {
      throw stopped(name, plan, added, e);
    }
  }

  /**
   * A reshape under way or pending: makes an auto-read-only array writable (md holds the
   * reshape until then), continues one that stands still with its backup file, and keeps the
   * window of one an earlier agent held (sync_max not "max").
   */
  private Started resume(String name, MdSysfs md) {
    Path arrayPath = Path.of("/dev", name);
    Path backup = backupFile(name);
    if (md.arrayState().equals("read-auto")) {
      mdadm.readWrite(arrayPath);
      md = kernel.sysfs(name);
    }
    boolean withBackup = Files.exists(backup);
    if (!md.syncAction().equals("reshape") && withBackup) {
      mdadm.growContinue(arrayPath, backup);
    }
    Optional<ReshapeWindow> window = withBackup || kernel.syncMax(name).isEmpty()
        ? Optional.empty()
        : windows.window(name, kernel.reshapeUnit(name));
    return new Started(hint(name, withBackup, window.isPresent(), false), window);
  }

  /**
   * A grow that finds a reshape under way follows it; a device it names must be a member
   * already (the one an earlier run added): md adds nothing while it reshapes.
   */
  private void requireNoNewMember(String name, MdSysfs md, Optional<BlockDeviceRef> device) {
    Optional<String> member = device.map(this::memberName);
    if (member.isPresent() && md.member(member.get()).isEmpty()) {
      throw RaidvmException.failedPrecondition("%s is reshaping (%s sectors) and %s is not one"
          + " of its members: md takes no new member while it reshapes; wait for the reshape"
          + " (raidctl raid wait VM %s), then grow again", name, md.syncCompleted(),
          device.get().describe(), name);
    }
  }

  /**
   * Should the agent die while it follows: what goes on and what finishes the job. {@code held}:
   * the agent keeps a window ahead of md, where md waits without it; {@code unprotected}: the
   * offsets move too little for a window, and a cut before the end loses data.
   */
  private String hint(String name, boolean backup, boolean held, boolean unprotected) {
    String waits = held ? " up to the window the agent keeps ahead of it (sync_max), and waits"
        + " there without the agent" : "";
    String file = backup ? ", with the backup file " + backupFile(name) + " on the OS disk,"
        + " which must stay" : "";
    String risk = unprotected ? ". The members' data offsets move by less than two chunks, too"
        + " little for md to record this reshape's position in time: a power cut or reboot"
        + " before it ends loses data, so keep the VM running until then" : "";
    return String.format("md goes on with the reshape in the kernel%s (its position is in the"
        + " members' superblocks, also across a reboot or power cut)%s; run the same `raidctl"
        + " raid grow VM %s …` again: it follows the reshape to its end and then grows the"
        + " filesystem%s", waits, file, name, risk);
  }

  /** A grow that stopped after it changed something says what and how to go on. */
  private RaidvmException stopped(String name, ReshapePlan plan, Optional<Path> added,
      RaidvmException e) {
    return new RaidvmException(e.kind(), String.format("grow of %s to %s stopped at \"mdadm"
        + " --grow %s\": %s. %s", name, plan.describe(), String.join(" ", plan.options()),
        e.getMessage(), added.map(p -> p + " was added as a spare and stays one; fix the cause"
            + " and run the same grow again").orElse("Nothing was changed.")), e);
  }

  /**
   * The device a grow adds, checked: a whole disk as a replace checks it (partitioned later), a
   * partition not in use and — unless forced — blank; either at least as large as the members.
   */
  private NewMemberDisks.Checked checkNewMember(String name, MdSysfs md, BlockDeviceRef dev,
      boolean force) {
    String action = "grow " + name + " with";
    NewMemberDisks.Checked checked;
    if (dev.partition()) {
      guard.requireNotInUse(dev, action);
      guard.requireSafeToOverwrite(dev, force, action);
      checked = new NewMemberDisks.Checked(dev, Optional.of(dev.path()),
          block.sizeSectors(dev.kernelName()));
    } else {
      checked = newDisks.check(dev, force, action);
    }
    requireLargeEnough(name, md, dev, checked.sizeSectors());
    return checked;
  }

  /**
   * A new member must hold as much as the smallest member now: md reshapes onto the members'
   * common size.
   */
  private void requireLargeEnough(String name, MdSysfs md, BlockDeviceRef dev, long offered) {
    long needed = md.members().stream().filter(m -> m.slot() >= 0)
        .mapToLong(m -> block.sizeSectors(m.name())).filter(s -> s > 0).min().orElse(0);
    if (offered < needed) {
      throw RaidvmException.failedPrecondition("cannot grow %s with %s: it offers %d sectors,"
          + " the smallest member has %d; give a disk at least as large as the others", name,
          dev.describe(), offered, needed);
    }
  }

  /** The member a device becomes: a partition itself, a whole disk its first partition. */
  private String memberName(BlockDeviceRef dev) {
    return dev.partition() ? dev.kernelName()
        : Partitioner.firstPartitionName(dev.kernelName());
  }

  private Optional<BlockDeviceRef> device(GrowArrayRequest request) {
    String ref = request.getNewDisk().isEmpty() ? request.getPartition() : request.getNewDisk();
    if (ref.isEmpty()) {
      return Optional.empty();
    }
    BlockDeviceRef dev = resolver.resolve(ref);
    if (!request.getNewDisk().isEmpty() && dev.partition()) {
      throw RaidvmException.invalidArgument("new_disk %s is a partition: give a whole disk,"
          + " or pass it as partition", dev.describe());
    }
    if (!request.getPartition().isEmpty() && !dev.partition()) {
      throw RaidvmException.invalidArgument("partition %s is a whole disk: give it as new_disk"
          + " (it is then partitioned like the other members)", dev.describe());
    }
    return Optional.of(dev);
  }

  /** A backup file left by an earlier reshape that is over; mdadm refuses to reuse one. */
  private static void removeStale(Path backup) {
    try {
      Files.deleteIfExists(backup);
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot remove the old backup file %s: %s",
          backup, e.getMessage());
    }
  }
}
