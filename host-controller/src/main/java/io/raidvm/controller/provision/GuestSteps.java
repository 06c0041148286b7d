package io.raidvm.controller.provision;

import io.raidvm.api.agent.v1.AddFstabEntryRequest;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.BootState;
import io.raidvm.api.agent.v1.ConfigChange;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.GetBootStateRequest;
import io.raidvm.api.agent.v1.ListArraysRequest;
import io.raidvm.api.agent.v1.ListBlockDevicesRequest;
import io.raidvm.api.agent.v1.MakeFilesystemRequest;
import io.raidvm.api.agent.v1.MountRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.PartitionRequest;
import io.raidvm.api.agent.v1.PartitionResult;
import io.raidvm.api.agent.v1.PersistArrayRequest;
import io.raidvm.api.agent.v1.ResumeSyncRequest;
import io.raidvm.api.agent.v1.SetSyncSpeedLimitRequest;
import io.raidvm.api.agent.v1.UpdateInitramfsRequest;
import io.raidvm.api.controller.v1.ProvisionArray;
import io.raidvm.api.controller.v1.ProvisionFilesystem;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.common.Sizes;
import io.raidvm.common.error.RaidvmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The steps inside the guest, through its agent: partition, array, sync, filesystem, mount,
 * persist, initramfs. Each first reads what is there; what differs from the spec is refused.
 * Array, sync, filesystem and mount run once per array (or filesystem) of the spec; the others
 * once for all.
 */
final class GuestSteps {

  static final Duration SYNC_POLL = Duration.ofSeconds(1);

  private final ProvisionSpec spec;
  private final Guest guest;
  private final List<ConfigChange> persisted = new ArrayList<>();

  GuestSteps(ProvisionSpec spec, Guest guest) {
    this.spec = spec;
    this.guest = guest;
  }

  /** mdadm.conf and fstab as the persist step left them. */
  List<ConfigChange> persisted() {
    return List.copyOf(persisted);
  }

  Outcome partition(Step.Reporter reporter) {
    List<BlockDevice> devices = blockDevices();
    List<String> todo = new ArrayList<>();
    List<String> unusable = new ArrayList<>();
    List<String> used = ProvisionSpecs.usedDiskNames(spec);
    for (String disk : used) {
      BlockDevice d = GuestState.bySerial(devices, disk).orElseThrow(() ->
          RaidvmException.unavailable("data disk %s is not visible in VM %s (no block device"
              + " with serial %s): is the VM running with its data disks?", disk, guest.vm(),
              disk));
      if (d.getPartitionsCount() == 0) {
        todo.add(disk);
        GuestState.whyNotBlank(d).ifPresent(why -> unusable.add(disk + " " + why));
      }
    }
    if (!unusable.isEmpty()) {
      throw RaidvmException.failedPrecondition("cannot partition the data disks of VM %s: %s."
          + " Nothing was partitioned; provision never overwrites a disk that holds data",
          guest.vm(), String.join("; ", unusable));
    }
    List<String> made = new ArrayList<>();
    RuntimeException failed = null;
    List<Future<PartitionResult>> calls = partitionAtOnce(todo);
    for (int i = 0; i < todo.size(); i++) {
      String disk = todo.get(i);
      try {
        PartitionResult r = result(calls.get(i));
        reporter.progress(String.format("%s: %s, %s%s", disk, r.getPartition(),
            Sizes.human(r.getSizeBytes()), r.getAligned() ? ", aligned" : ", NOT aligned"),
            null);
        made.add(disk + " → " + r.getPartition());
      } catch (RuntimeException e) {
        failed = failed == null ? e : failed;
      }
    }
    if (failed != null) {
      // The disks that were partitioned stay so (reported above); a run again skips them.
      throw failed;
    }
    return made.isEmpty()
        ? Outcome.alreadyDone("all %d disks have a partition", used.size())
        : Outcome.done("partitioned %s", String.join(", ", made));
  }

  /**
   * Partitions the disks side by side, one call each (the agent holds each disk's lock for its
   * call): parted and udev's work on one disk does not wait for the others'. In the howto's
   * order of results.
   */
  private List<Future<PartitionResult>> partitionAtOnce(List<String> disks) {
    if (disks.isEmpty()) {
      return List.of();
    }
    ExecutorService pool = Executors.newFixedThreadPool(disks.size(), r -> {
      Thread t = new Thread(r, "provision-partition");
      t.setDaemon(true);
      return t;
    });
    try {
      return disks.stream().map(disk -> pool.submit(() -> guest.disks().partition(
          PartitionRequest.newBuilder().setDevice(disk).build()))).toList();
    } finally {
      pool.shutdown();
    }
  }

  private static PartitionResult result(Future<PartitionResult> call) {
    try {
      return call.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw RaidvmException.internal("partition: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RaidvmException.interrupted("waiting for the partitions", e);
    }
  }

  Outcome array(ProvisionArray array) {
    String name = array.getName();
    Optional<Array> existing = guest.raid().listArrays(ListArraysRequest.getDefaultInstance())
        .getArraysList().stream().filter(a -> a.getName().equals(name)).findFirst();
    List<BlockDevice> devices = blockDevices();
    List<String> memberPaths = GuestState.memberPaths(spec, array, devices);
    if (existing.isPresent() && existing.get().getArrayState().equals("inactive")) {
      // Back after a power cut with a member rebuilding, boot leaves it waiting for the rest:
      // start it degraded, as mdadm's last-resort unit would 30 s later.
      guest.raid().resumeSync(ResumeSyncRequest.newBuilder().setArray(name).build());
      existing = Optional.of(getArray(name));
    }
    if (existing.isPresent()) {
      Array a = existing.get();
      List<String> differences = GuestState.differences(array, a, memberPaths);
      if (!differences.isEmpty()) {
        throw RaidvmException.failedPrecondition("array %s exists in VM %s but differs from the"
            + " spec: %s. provision never re-creates an array (that would destroy its data):"
            + " change the spec to match it", name, guest.vm(),
            String.join("; ", differences));
      }
      return Outcome.alreadyDone("%s exists: %s", a.getName(), GuestState.describe(a));
    }
    GuestState.requireFreeMembers(spec, array, devices);
    Operation started = guest.raid().createArray(ProvisionSpecs.createArray(spec, array));
    capSyncSpeed(name);
    Array created = guest.raid().getArray(GetArrayRequest.newBuilder()
        .setArray(started.getTarget()).build());
    return Outcome.done("created %s: %s", created.getName(), GuestState.describe(created));
  }

  Outcome sync(String array, Step.Reporter reporter) {
    Array a = getArray(array);
    boolean resumed = false;
    if (a.getArrayState().equals("read-auto")) {
      // Back after a power cut, md holds the resync or recovery until the first write.
      Operation op = guest.raid().resumeSync(ResumeSyncRequest.newBuilder()
          .setArray(array).build());
      resumed = op.getState() == Operation.State.RUNNING;
      if (resumed) {
        reporter.progress("resumed the sync that auto-read-only held back (" + a.getSummary()
            + ")", null);
      }
      a = getArray(array);
    }
    boolean waited = false;
    if (GuestState.syncing(a)) {
      capSyncSpeed(array);
    }
    while (GuestState.syncing(a)) {
      waited = true;
      reporter.progress(a.getSync().getAction(), GuestState.progressOf(a));
      sleep(SYNC_POLL);
      a = getArray(array);
    }
    if (a.getDegraded() > 0) {
      throw RaidvmException.failedPrecondition("%s is degraded and not rebuilding (%s):"
          + " replace the failed member first (raidctl raid replace %s %s DEVICE)",
          a.getName(), a.getSummary(), guest.vm(), a.getName());
    }
    if (resumed) {
      return Outcome.done("%s: resumed the sync held back after an unclean stop; in sync now",
          a.getName());
    }
    return waited
        ? Outcome.done("%s is in sync", a.getName())
        : Outcome.alreadyDone("%s is in sync", a.getName());
  }

  /** The spec's cap on the sync speed, if it has one; at once after create, and on resume. */
  private void capSyncSpeed(String array) {
    if (spec.getSyncSpeedMaxKibPerS() > 0) {
      guest.raid().setSyncSpeedLimit(SetSyncSpeedLimitRequest.newBuilder()
          .setArray(array).setMaxKibPerS(spec.getSyncSpeedMaxKibPerS()).build());
    }
  }

  Outcome filesystem(ProvisionFilesystem fs, Step.Reporter reporter) {
    BlockDevice md = arrayDevice(fs.getArray());
    if (md.getFsType().equals(fs.getType())) {
      return Outcome.alreadyDone("%s holds %s (uuid %s)", md.getPath(), md.getFsType(),
          md.getFsUuid());
    }
    if (!md.getFsType().isEmpty()) {
      throw RaidvmException.failedPrecondition("%s in VM %s holds %s, the spec says %s:"
          + " provision never formats over a filesystem", md.getPath(), guest.vm(),
          md.getFsType(), fs.getType());
    }
    Operation made = guest.await(guest.filesystems().makeFilesystem(MakeFilesystemRequest
        .newBuilder().setDevice(md.getPath()).setType(fs.getType()).build()),
        op -> reporter.progress(op.getProgress().getPhase(), op.getProgress()));
    return Outcome.done("made %s on %s (uuid %s)", fs.getType(), md.getPath(),
        made.getFilesystem().getUuid());
  }

  Outcome mount(ProvisionFilesystem fs) {
    BlockDevice md = arrayDevice(fs.getArray());
    String mountPoint = fs.getMountPoint();
    if (md.getMountPointsList().contains(mountPoint)) {
      return Outcome.alreadyDone("%s is mounted on %s", md.getPath(), mountPoint);
    }
    if (md.getMountPointsCount() > 0) {
      throw RaidvmException.failedPrecondition("%s is mounted on %s in VM %s, the spec says %s:"
          + " unmount it first (raidctl fs umount %s %s)", md.getPath(),
          String.join(", ", md.getMountPointsList()), guest.vm(), mountPoint,
          guest.vm(), md.getMountPoints(0));
    }
    GuestState.mountedOn(blockDevices(), mountPoint).ifPresent(other -> {
      throw RaidvmException.failedPrecondition("%s is mounted on %s in VM %s: the spec wants %s"
          + " there", other.getPath(), mountPoint, guest.vm(), md.getPath());
    });
    guest.filesystems().mount(MountRequest.newBuilder().setDevice(md.getPath())
        .setMountPoint(mountPoint).addAllOptions(fs.getMountOptionsList()).build());
    return Outcome.done("mounted %s on %s", md.getPath(), mountPoint);
  }

  Outcome persist() {
    if (!spec.getPersist()) {
      return Outcome.skipped("the spec does not ask to persist");
    }
    persisted.clear();
    for (ProvisionArray array : ProvisionSpecs.arrays(spec)) {
      persisted.add(guest.boot().persistArray(PersistArrayRequest.newBuilder()
          .setArray(array.getName()).build()));
    }
    for (ProvisionFilesystem fs : ProvisionSpecs.filesystems(spec)) {
      persisted.add(guest.boot().addFstabEntry(AddFstabEntryRequest.newBuilder()
          .setDevice(fs.getArray()).setMountPoint(fs.getMountPoint())
          .setOptions(ProvisionSpecs.fstabOptions(fs)).build()));
    }
    List<String> changed = persisted.stream().filter(ConfigChange::getChanged)
        .map(ConfigChange::getPath).distinct().toList();
    return changed.isEmpty()
        ? Outcome.alreadyDone("mdadm.conf and fstab have the lines (%d arrays, %d"
            + " filesystems)", ProvisionSpecs.arrays(spec).size(),
            ProvisionSpecs.filesystems(spec).size())
        : Outcome.done("wrote %s", String.join(" and ", changed));
  }

  Outcome initramfs(Step.Reporter reporter) {
    if (!spec.getPersist()) {
      return Outcome.skipped("the spec does not ask to persist");
    }
    BootState boot = bootState();
    if (!boot.getInitramfsStale()) {
      return Outcome.alreadyDone("%s is newer than mdadm.conf", boot.getInitramfsPath());
    }
    guest.await(guest.boot().updateInitramfs(UpdateInitramfsRequest.getDefaultInstance()),
        op -> reporter.progress(op.getProgress().getPhase(), op.getProgress()));
    return Outcome.done("updated %s", boot.getInitramfsPath());
  }

  /** Whether the guest has booted since mdadm.conf, fstab or the initramfs last changed. */
  boolean bootedWithCurrentConfig() {
    return !bootState().getChangedSinceBoot();
  }

  BootState bootState() {
    return guest.boot().getBootState(GetBootStateRequest.getDefaultInstance());
  }

  Array getArray(String array) {
    return guest.raid().getArray(GetArrayRequest.newBuilder().setArray(array).build());
  }

  private BlockDevice arrayDevice(String array) {
    return blockDevices().stream().filter(d -> d.getName().equals(array)).findFirst()
        .orElseThrow(() -> RaidvmException.failedPrecondition("array %s is not a block device in"
            + " VM %s", array, guest.vm()));
  }

  private List<BlockDevice> blockDevices() {
    return guest.agent().listBlockDevices(ListBlockDevicesRequest.getDefaultInstance())
        .getDevicesList();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      throw RaidvmException.interrupted("waiting for the sync", e);
    }
  }
}
