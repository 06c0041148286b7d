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
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.common.Sizes;
import io.raidvm.common.error.RaidvmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The steps inside the guest, through its agent: partition, array, sync, filesystem, mount,
 * persist, initramfs. Each first reads what is there; what differs from the spec is refused.
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
    for (String disk : ProvisionSpecs.diskNames(spec)) {
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
    for (String disk : todo) {
      PartitionResult r = guest.disks().partition(PartitionRequest.newBuilder().setDevice(disk)
          .build());
      reporter.progress(String.format("%s: %s, %s%s", disk, r.getPartition(),
          Sizes.human(r.getSizeBytes()), r.getAligned() ? ", aligned" : ", NOT aligned"), null);
      made.add(disk + " → " + r.getPartition());
    }
    return made.isEmpty()
        ? Outcome.alreadyDone("all %d disks have a partition", spec.getDiskCount())
        : Outcome.done("partitioned %s", String.join(", ", made));
  }

  Outcome array() {
    Optional<Array> existing = guest.raid().listArrays(ListArraysRequest.getDefaultInstance())
        .getArraysList().stream().filter(a -> a.getName().equals(spec.getArray())).findFirst();
    List<BlockDevice> devices = blockDevices();
    List<String> memberPaths = GuestState.memberPaths(spec, devices);
    if (existing.isPresent() && existing.get().getArrayState().equals("inactive")) {
      // Back after a power cut with a member rebuilding, boot leaves it waiting for the rest:
      // start it degraded, as mdadm's last-resort unit would 30 s later.
      guest.raid().resumeSync(ResumeSyncRequest.newBuilder().setArray(spec.getArray()).build());
      existing = Optional.of(getArray());
    }
    if (existing.isPresent()) {
      Array a = existing.get();
      List<String> differences = GuestState.differences(spec, a, memberPaths);
      if (!differences.isEmpty()) {
        throw RaidvmException.failedPrecondition("array %s exists in VM %s but differs from the"
            + " spec: %s. provision never re-creates an array (that would destroy its data):"
            + " change the spec to match it", spec.getArray(), guest.vm(),
            String.join("; ", differences));
      }
      return Outcome.alreadyDone("%s exists: %s", a.getName(), GuestState.describe(a));
    }
    GuestState.requireFreeMembers(spec, devices);
    Operation started = guest.raid().createArray(ProvisionSpecs.createArray(spec));
    capSyncSpeed();
    Array created = guest.raid().getArray(GetArrayRequest.newBuilder()
        .setArray(started.getTarget()).build());
    return Outcome.done("created %s: %s", created.getName(), GuestState.describe(created));
  }

  Outcome sync(Step.Reporter reporter) {
    Array a = getArray();
    boolean resumed = false;
    if (a.getArrayState().equals("read-auto")) {
      // Back after a power cut, md holds the resync or recovery until the first write.
      Operation op = guest.raid().resumeSync(ResumeSyncRequest.newBuilder()
          .setArray(spec.getArray()).build());
      resumed = op.getState() == Operation.State.RUNNING;
      if (resumed) {
        reporter.progress("resumed the sync that auto-read-only held back (" + a.getSummary()
            + ")", null);
      }
      a = getArray();
    }
    boolean waited = false;
    if (GuestState.syncing(a)) {
      capSyncSpeed();
    }
    while (GuestState.syncing(a)) {
      waited = true;
      reporter.progress(a.getSync().getAction(), GuestState.progressOf(a));
      sleep(SYNC_POLL);
      a = getArray();
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
  private void capSyncSpeed() {
    if (spec.getSyncSpeedMaxKibPerS() > 0) {
      guest.raid().setSyncSpeedLimit(SetSyncSpeedLimitRequest.newBuilder()
          .setArray(spec.getArray()).setMaxKibPerS(spec.getSyncSpeedMaxKibPerS()).build());
    }
  }

  Outcome filesystem(Step.Reporter reporter) {
    BlockDevice md = arrayDevice();
    if (md.getFsType().equals(spec.getFilesystem())) {
      return Outcome.alreadyDone("%s holds %s (uuid %s)", md.getPath(), md.getFsType(),
          md.getFsUuid());
    }
    if (!md.getFsType().isEmpty()) {
      throw RaidvmException.failedPrecondition("%s in VM %s holds %s, the spec says %s:"
          + " provision never formats over a filesystem", md.getPath(), guest.vm(),
          md.getFsType(), spec.getFilesystem());
    }
    Operation made = guest.await(guest.filesystems().makeFilesystem(MakeFilesystemRequest
        .newBuilder().setDevice(md.getPath()).setType(spec.getFilesystem()).build()),
        op -> reporter.progress(op.getProgress().getPhase(), op.getProgress()));
    return Outcome.done("made %s on %s (uuid %s)", spec.getFilesystem(), md.getPath(),
        made.getFilesystem().getUuid());
  }

  Outcome mount() {
    BlockDevice md = arrayDevice();
    if (md.getMountPointsList().contains(spec.getMountPoint())) {
      return Outcome.alreadyDone("%s is mounted on %s", md.getPath(), spec.getMountPoint());
    }
    if (md.getMountPointsCount() > 0) {
      throw RaidvmException.failedPrecondition("%s is mounted on %s in VM %s, the spec says %s:"
          + " unmount it first (raidctl fs umount %s %s)", md.getPath(),
          String.join(", ", md.getMountPointsList()), guest.vm(), spec.getMountPoint(),
          guest.vm(), md.getMountPoints(0));
    }
    GuestState.mountedOn(blockDevices(), spec.getMountPoint()).ifPresent(other -> {
      throw RaidvmException.failedPrecondition("%s is mounted on %s in VM %s: the spec wants %s"
          + " there", other.getPath(), spec.getMountPoint(), guest.vm(), md.getPath());
    });
    guest.filesystems().mount(MountRequest.newBuilder().setDevice(md.getPath())
        .setMountPoint(spec.getMountPoint()).build());
    return Outcome.done("mounted %s on %s", md.getPath(), spec.getMountPoint());
  }

  Outcome persist() {
    if (!spec.getPersist()) {
      return Outcome.skipped("the spec does not ask to persist");
    }
    persisted.clear();
    persisted.add(guest.boot().persistArray(PersistArrayRequest.newBuilder()
        .setArray(spec.getArray()).build()));
    persisted.add(guest.boot().addFstabEntry(AddFstabEntryRequest.newBuilder()
        .setDevice(spec.getArray()).setMountPoint(spec.getMountPoint()).build()));
    List<String> changed = persisted.stream().filter(ConfigChange::getChanged)
        .map(ConfigChange::getPath).toList();
    return changed.isEmpty()
        ? Outcome.alreadyDone("mdadm.conf and fstab have the lines")
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

  Array getArray() {
    return guest.raid().getArray(GetArrayRequest.newBuilder().setArray(spec.getArray()).build());
  }

  private BlockDevice arrayDevice() {
    return blockDevices().stream().filter(d -> d.getName().equals(spec.getArray())).findFirst()
        .orElseThrow(() -> RaidvmException.failedPrecondition("array %s is not a block device in"
            + " VM %s", spec.getArray(), guest.vm()));
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
