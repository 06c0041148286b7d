package io.raidvm.controller.drill;

import com.google.protobuf.util.Durations;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.ChecksumFilesRequest;
import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.GetUsageRequest;
import io.raidvm.api.agent.v1.ListBlockDevicesRequest;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.MountRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.api.agent.v1.ReplaceMemberRequest;
import io.raidvm.api.agent.v1.ResumeSyncRequest;
import io.raidvm.api.agent.v1.SetSyncActionRequest;
import io.raidvm.api.agent.v1.SetSyncSpeedLimitRequest;
import io.raidvm.api.agent.v1.UnmountRequest;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.agent.v1.WriteTestFileRequest;
import io.raidvm.api.controller.v1.DrillEvent;
import io.raidvm.api.controller.v1.DrillOutcome;
import io.raidvm.api.controller.v1.DrillReport;
import io.raidvm.api.controller.v1.DrillRequest;
import io.raidvm.api.controller.v1.FaultKind;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.common.Sizes;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.md.SyncStates;
import io.raidvm.controller.disk.DiskManager;
import io.raidvm.controller.events.EventSink;
import io.raidvm.controller.events.VmEventHubs;
import io.raidvm.controller.events.Watch;
import io.raidvm.controller.provision.Guest;
import io.raidvm.controller.vm.MemberCorruption;
import io.raidvm.controller.vm.VmManager;
import io.raidvm.controller.vm.VmStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs a drill ({@link DrillPlan}) on a running VM: files, pull, detection, replace, rebuild,
 * verify, scrub, and the report. The controller does it, not a client, because it alone can pull
 * a disk and see md's answer in the same clock: the detection latency is measured from just
 * before the pull to the moment the md event reaches the controller's journal of the VM.
 */
public final class Driller {

  /** md's first words about a member that went away. */
  static final Set<MdEvent.Kind> NOTICED = Set.of(MdEvent.Kind.FAIL,
      MdEvent.Kind.DEGRADED_ARRAY, MdEvent.Kind.DEVICE_DISAPPEARED, MdEvent.Kind.DEVICE_REMOVED);
  static final Duration DETECT_TIMEOUT = Duration.ofMinutes(2);
  static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration POLL = Duration.ofMillis(500);
  /** The corruption's bytes: the same in every drill. */
  static final long SEED = 7;

  private final VmManager vms;
  private final DiskManager disks;
  private final VmEventHubs events;
  private final MemberCorruption corruption;
  private final Function<String, Channel> agentChannel;

  /** {@code agentChannel} gives the channel to a running VM's agent. */
  public Driller(VmManager vms, DiskManager disks, VmEventHubs events,
      MemberCorruption corruption, Function<String, Channel> agentChannel) {
    this.vms = vms;
    this.disks = disks;
    this.events = events;
    this.corruption = corruption;
    this.agentChannel = agentChannel;
  }

  /** Checks the request, the VM, the array and the disks; nothing is changed. */
  DrillPlan plan(DrillRequest request) {
    DrillPlan.checkRequest(request);
    VmStatus vm = vms.get(request.getVm());
    if (vm.state() != VmState.READY) {
      throw RaidvmException.failedPrecondition("VM %s is %s: a drill needs it running with its"
          + " agent answering (raidctl vm start %s)", request.getVm(), vm.state(),
          request.getVm());
    }
    Guest guest = guest(request.getVm());
    Array a = guest.raid().getArray(GetArrayRequest.newBuilder().setArray(request.getArray())
        .build());
    DrillPlan plan = DrillPlan.of(request, a, guest.agent().listBlockDevices(
        ListBlockDevicesRequest.getDefaultInstance()).getDevicesList());
    plan.requireRoom(guest.filesystems().getUsage(GetUsageRequest.newBuilder()
        .setTarget(plan.mountPoint()).build()).getAvailableBytes());
    if (plan.fault() == FaultKind.PULL
        && disks.list().stream().anyMatch(d -> d.name().equals(plan.newDisk()))) {
      throw RaidvmException.failedPrecondition("disk '%s' exists already: the drill replaces the"
          + " pulled disk by a new one it creates; name another (--new-disk) or delete it"
          + " (raidctl disk delete %s)", plan.newDisk(), plan.newDisk());
    }
    return plan;
  }

  /** Runs a plan from {@link #plan}; every step is told to {@code out}, the report last. */
  DrillReport run(DrillPlan plan, Consumer<DrillEvent> out) {
    long start = System.nanoTime();
    Guest guest = guest(plan.vm());
    Steps say = new Steps(out);
    DrillReport.Builder report = DrillReport.newBuilder().setVm(plan.vm())
        .setArray(plan.array()).setLevel(plan.level().toString()).setFault(plan.fault())
        .setDisk(plan.disk()).setMember(plan.member()).setSecondDisk(plan.secondDisk());
    if (plan.fault() == FaultKind.PULL) {
      report.setNewDisk(plan.newDisk());
      say.step("validate", "%s of VM %s is %s and idle; pulling %s (member %s), replacing it"
          + " by new disk %s%s", plan.array(), plan.vm(), plan.level(), plan.disk(),
          plan.member(), plan.newDisk(), plan.secondDisk().isEmpty() ? ""
          : ", then pulling " + plan.secondDisk() + " during the rebuild");
    } else {
      say.step("validate", "%s of VM %s is %s and idle; corrupting member %s on disk %s with"
          + " the VM stopped", plan.array(), plan.vm(), plan.level(), plan.member(),
          plan.disk());
    }
    List<FileChecksum> written = writeFiles(plan, guest, say);
    report.setFilesWritten(written.size());
    if (plan.rebuildSpeedMax() > 0) {
      speedLimit(guest, plan, plan.rebuildSpeedMax());
      say.step("rebuild", "capped %s's sync speed at %d KiB/s for the drill", plan.array(),
          plan.rebuildSpeedMax());
    }
    try {
      Array settled = plan.fault() == FaultKind.CORRUPT ? corrupt(plan, guest, say, report)
          : pullAndReplace(plan, guest, say, report);
      Optional<List<FileChecksum>> read = verify(plan, guest, written, say);
      Array after = settled;
      if (read.isPresent() && after.getDegraded() == 0 && !after.getLevel().isEmpty()) {
        after = scrub(guest, plan, SetSyncActionRequest.Action.CHECK, say);
        report.setScrubbed(true).setMismatchCount(after.getMismatchCount());
      } else {
        say.step("scrub", "skipped: %s is not whole (%s)", plan.array(), after.getSummary());
      }
      DrillVerdict verdict = DrillVerdict.judge(plan, after, written, read,
          !plan.secondDisk().isEmpty());
      report.setOutcome(verdict.outcome()).setFilesIntact(verdict.filesIntact())
          .addAllFailedFiles(verdict.failedFiles()).setArrayState(after.getArrayState())
          .setArraySummary(after.getSummary()).setNextSteps(verdict.nextSteps());
    } finally {
      if (plan.rebuildSpeedMax() > 0) {
        try {
          speedLimit(guest, plan, 0);
        } catch (RuntimeException e) {
          say.step("rebuild", "could not set %s's sync speed back: %s", plan.array(),
              e.getMessage());
        }
      }
    }
    DrillReport done = report.setDuration(Durations.fromNanos(System.nanoTime() - start))
        .build();
    out.accept(DrillEvent.newBuilder().setMessage(done.getOutcome() == DrillOutcome.SURVIVED
        ? "survived" : "DATA LOSS").setReport(done).build());
    return done;
  }

  /**
   * Pull, detection, new disk, replace, the second pull when asked, the rebuild followed to its
   * end; returns the array once md has stopped syncing.
   */
  private Array pullAndReplace(DrillPlan plan, Guest guest, Steps say,
      DrillReport.Builder report) {
    Detection detected = pull(plan, say);
    report.setDetectedBy(detected.kind()).setDetectionLatency(Durations.fromNanos(
        detected.nanos()));
    awaitDegraded(guest, plan);
    long rebuildStart = System.nanoTime();
    long diskSize = disks.get(plan.disk()).virtualSize();
    disks.create(plan.newDisk(), String.valueOf(diskSize));
    VmManager.Attached attached = vms.attachDisk(plan.vm(), plan.newDisk());
    if (attached.guestDevice().isEmpty()) {
      throw RaidvmException.failedPrecondition("disk %s is attached to VM %s, but the guest"
          + " does not list it: the drill stops before the replace; raidctl raid replace %s"
          + " %s %s --new-disk %s goes on", plan.newDisk(), plan.vm(), plan.vm(),
          plan.array(), plan.memberRef(), plan.newDisk());
    }
    say.step("replace", "created %s (%s) and hot-plugged it: the guest sees it as %s",
        plan.newDisk(), Sizes.human(diskSize), attached.guestDevice());
    Operation op = guest.raid().replaceMember(ReplaceMemberRequest.newBuilder()
        .setArray(plan.array()).setDevice(plan.memberRef()).setNewDisk(plan.newDisk())
        .build());
    say.step("replace", "%s is rebuilding onto %s", plan.array(), plan.newDisk());
    boolean secondPulled = !plan.secondDisk().isEmpty();
    if (secondPulled) {
      Array during = array(guest, plan);
      VmManager.Pulled second = vms.pullDisk(plan.vm(), plan.secondDisk());
      say.step("second-fault", "pulled %s while %s (%s): %s", plan.secondDisk(),
          SyncStates.running(during.getSync()) ? "the rebuild ran" : "NO rebuild ran",
          during.getSummary(), second.detail());
    }
    long[] sectors = {0};
    Optional<String> rebuildError = follow(guest, op, update -> {
      if (update.getProgress().getUnit().equals("sectors")) {
        sectors[0] = update.getProgress().getTotal();
      }
      say.progress("rebuild", update.getProgress());
    });
    Array settled = settle(guest, plan);
    // A second fault can end the recovery without an error: the rebuild counts as done only
    // when the array misses no more than the second disk.
    boolean rebuilt = rebuildError.isEmpty() && !settled.getLevel().isEmpty()
        && settled.getDegraded() <= (secondPulled ? 1 : 0);
    if (rebuilt) {
      // md's recovery covers a member's data area; the disk's size when no progress said it.
      rebuildTime(report, rebuildStart, sectors[0] > 0 ? sectors[0] * 512 : diskSize);
      say.step("rebuild", "done: %s", settled.getSummary());
    } else {
      say.step("rebuild", "did not finish: %s; %s is now %s", rebuildError.orElse(
          "the recovery ended with members missing"), plan.array(), settled.getSummary());
    }
    return settled;
  }

  private static void rebuildTime(DrillReport.Builder report, long startNanos,
      long memberBytes) {
    long nanos = System.nanoTime() - startNanos;
    report.setRebuildTime(Durations.fromNanos(nanos)).setMemberSizeBytes(memberBytes)
        .setRebuildMibPerS(memberBytes / (double) (1 << 20) / (nanos / 1e9));
  }

  /**
   * Silent corruption: the filesystem unmounted, the VM stopped, garbage written into the
   * member from the host, the VM started and the array mounted again; then a check (what md can
   * tell) and a repair. Returns the array after the repair.
   */
  private Array corrupt(DrillPlan plan, Guest guest, Steps say, DrillReport.Builder report) {
    guest.filesystems().unmount(UnmountRequest.newBuilder().setTarget(plan.mountPoint())
        .build());
    vms.stop(plan.vm(), false, Duration.ZERO, false);
    say.step("fault", "unmounted %s and stopped VM %s: the host writes into a disk only while"
        + " no guest does", plan.mountPoint(), plan.vm());
    MemberCorruption.Done done = corruption.corrupt(plan.vm(), plan.disk(), 0, 0, SEED);
    say.step("fault", "%s", done.detail());
    vms.start(plan.vm(), false, Duration.ZERO);
    Array back = awaitArray(guest, plan);
    // Back auto-read-only after the boot: md runs no check until it is read-write.
    guest.await(guest.raid().resumeSync(ResumeSyncRequest.newBuilder().setArray(plan.array())
        .build()), update -> say.progress("fault", update.getProgress()));
    guest.filesystems().mount(MountRequest.newBuilder().setDevice(plan.array())
        .setMountPoint(plan.mountPoint()).build());
    say.step("fault", "VM %s runs again; %s (%s) mounted on %s", plan.vm(), plan.array(),
        back.getSummary(), plan.mountPoint());
    long checkStart = System.nanoTime();
    Array checked = scrub(guest, plan, SetSyncActionRequest.Action.CHECK, say);
    report.setDetectedBy("check").setDetectionLatency(Durations.fromNanos(System.nanoTime()
        - checkStart)).setMismatchesFound(checked.getMismatchCount());
    say.step("detect", "%s", checked.getMismatchCount() > 0 ? "the check found the garbage"
        : "the check found NOTHING: md cannot see this corruption");
    long repairStart = System.nanoTime();
    Array repaired = scrub(guest, plan, SetSyncActionRequest.Action.REPAIR, say);
    rebuildTime(report, repairStart, done.corruption().layout().dataLength());
    say.step("rebuild", "the repair rewrote %d sectors from the data as read", repaired
        .getMismatchCount());
    return repaired;
  }

  /** Waits (up to {@link #DETECT_TIMEOUT}) until the started guest has the array again. */
  private static Array awaitArray(Guest guest, DrillPlan plan) {
    long deadline = System.nanoTime() + DETECT_TIMEOUT.toNanos();
    while (true) {
      try {
        return array(guest, plan);
      } catch (StatusRuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw RaidvmException.failedPrecondition("VM %s runs again, but %s did not come back"
              + " within %d s (%s): the drill stops with the corruption written; raidctl raid"
              + " list %s shows what the guest assembled", plan.vm(), plan.array(),
              DETECT_TIMEOUT.toSeconds(), e.getStatus().getDescription(), plan.vm());
        }
      }
      sleep();
    }
  }

  private Guest guest(String vm) {
    return new Guest(vm, () -> agentChannel.apply(vm));
  }

  private static Array array(Guest guest, DrillPlan plan) {
    return guest.raid().getArray(GetArrayRequest.newBuilder().setArray(plan.array()).build());
  }

  private static void speedLimit(Guest guest, DrillPlan plan, long kibPerSecond) {
    guest.raid().setSyncSpeedLimit(SetSyncSpeedLimitRequest.newBuilder()
        .setArray(plan.array()).setMaxKibPerS(kibPerSecond).build());
  }

  /** Writes the test files under a name of this drill's own (the agent never overwrites). */
  private static List<FileChecksum> writeFiles(DrillPlan plan, Guest guest, Steps say) {
    String run = plan.directory() + "-" + Instant.now().getEpochSecond() + "-";
    List<FileChecksum> written = new ArrayList<>();
    for (int i = 1; i <= plan.fileCount(); i++) {
      written.add(guest.files().writeTestFile(WriteTestFileRequest.newBuilder()
          .setPath(run + i).setSizeBytes(plan.fileSize()).setSeed(i).build()));
    }
    say.step("files", "wrote %d files of %s (%s1 …), checksummed", written.size(),
        Sizes.human(plan.fileSize()), run);
    return written;
  }

  /** md's first word about the pull, and the nanoseconds from just before the pull to it. */
  private record Detection(String kind, long nanos) {}

  private Detection pull(DrillPlan plan, Steps say) {
    CompletableFuture<WatchEvent> first = new CompletableFuture<>();
    try (Watch watch = events.hub(plan.vm()).watch("", 0, false, new EventSink() {
      @Override
      public boolean ready() {
        return true;
      }

      @Override
      public void send(WatchEvent e) {
        if (e.hasMd() && e.getMd().getArray().equals(plan.array())
            && NOTICED.contains(e.getMd().getKind())) {
          first.complete(e);
        }
      }
    })) {
      long pulledAt = System.nanoTime();
      VmManager.Pulled pulled = vms.pullDisk(plan.vm(), plan.disk());
      say.step("fault", "%s", pulled.detail());
      WatchEvent seen = first.get(DETECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      long nanos = System.nanoTime() - pulledAt;
      String kind = seen.getMd().getKind().name();
      say.step("detect", "md said %s %.2f s after the pull", kind, nanos / 1e9);
      return new Detection(kind, nanos);
    } catch (TimeoutException e) {
      throw RaidvmException.deadlineExceeded("md said nothing about %s's member %s within %d s"
          + " of pulling disk %s: the drill stops (the disk stays pulled; raidctl disk attach %s"
          + " %s plugs it in again)", plan.array(), plan.member(), DETECT_TIMEOUT.toSeconds(),
          plan.disk(), plan.vm(), plan.disk());
    } catch (InterruptedException e) {
      throw RaidvmException.interrupted("waiting for md to notice the pull", e);
    } catch (ExecutionException e) {
      throw RaidvmException.internal("watching for md's events", e);
    }
  }

  /**
   * Waits until md has taken the pulled member out of the count (degraded), which the replace
   * needs: md's first word can come a moment before.
   */
  private static void awaitDegraded(Guest guest, DrillPlan plan) {
    long deadline = System.nanoTime() + DETECT_TIMEOUT.toNanos();
    Array a = array(guest, plan);
    while (a.getDegraded() == 0) {
      if (System.nanoTime() > deadline) {
        throw RaidvmException.deadlineExceeded("md spoke of the pull but %s is not degraded"
            + " after %d s (%s): the drill stops; disk %s stays pulled", plan.array(),
            DETECT_TIMEOUT.toSeconds(), a.getSummary(), plan.disk());
      }
      sleep();
      a = array(guest, plan);
    }
  }

  /** Follows the replace's operation; its error, when it failed. */
  private static Optional<String> follow(Guest guest, Operation op,
      Consumer<Operation> progress) {
    try {
      guest.await(op, progress);
      return Optional.empty();
    } catch (RaidvmException | StatusRuntimeException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * Waits until md has stopped syncing (a second fault can restart a recovery), then returns the
   * array; an array md no longer lists comes back as an empty one (inactive).
   */
  private static Array settle(Guest guest, DrillPlan plan) {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    while (true) {
      Array a;
      try {
        a = array(guest, plan);
      } catch (StatusRuntimeException e) {
        return Array.newBuilder().setName(plan.array()).setArrayState("inactive")
            .setSummary("not found: " + e.getStatus().getDescription()).build();
      }
      if (!SyncStates.running(a.getSync()) || System.nanoTime() > deadline) {
        return a;
      }
      sleep();
    }
  }

  /**
   * The files read back, from the disks (the agent drops the guest's page cache first);
   * empty when none could be read. A file that cannot be read is left out, which fails it.
   */
  private static Optional<List<FileChecksum>> verify(DrillPlan plan, Guest guest,
      List<FileChecksum> written, Steps say) {
    List<FileChecksum> read = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (FileChecksum f : written) {
      try {
        read.addAll(guest.files().checksumFiles(ChecksumFilesRequest.newBuilder()
            .setPath(f.getPath()).setUncached(true).build()).getFilesList());
      } catch (StatusRuntimeException e) {
        unreadable.add(f.getPath() + ": " + e.getStatus().getDescription());
      }
    }
    long intact = written.stream().filter(read::contains).count();
    say.step("verify", "%d of %d files verify%s", intact, written.size(),
        unreadable.isEmpty() ? "" : "; unreadable: " + String.join("; ", unreadable));
    return read.isEmpty() && !written.isEmpty() ? Optional.empty() : Optional.of(read);
  }

  /** Runs a check or a repair to its end; the array after it, with its mismatch count. */
  private static Array scrub(Guest guest, DrillPlan plan, SetSyncActionRequest.Action action,
      Steps say) {
    String step = action == SetSyncActionRequest.Action.CHECK ? "scrub" : "rebuild";
    Operation done = guest.await(guest.raid().setSyncAction(SetSyncActionRequest.newBuilder()
        .setArray(plan.array()).setAction(action).build()),
        update -> say.progress(step, update.getProgress()));
    Array a = done.getArray();
    say.step(step, "%s done: %d mismatched sectors", action.name().toLowerCase(Locale.ROOT),
        a.getMismatchCount());
    return a;
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RaidvmException.interrupted("waiting for the array to settle", e);
    }
  }

  /** The drill's messages, as they happen. */
  private record Steps(Consumer<DrillEvent> out) {

    void step(String step, String format, Object... args) {
      out.accept(DrillEvent.newBuilder().setStep(step).setMessage(String.format(format, args))
          .build());
    }

    void progress(String step, Progress progress) {
      out.accept(DrillEvent.newBuilder().setStep(step).setMessage(String.format("%s %.1f %%",
          progress.getPhase(), progress.getPercent())).setProgress(progress).build());
    }
  }
}
