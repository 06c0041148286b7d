package io.raidvm.controller.vm;

import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.controller.v1.Accel;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.common.Names;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.md.ReshapeInterruption;
import io.raidvm.controller.disk.DiskFolder;
import io.raidvm.controller.disk.DiskUsage;
import io.raidvm.controller.disk.QemuImg;
import io.raidvm.controller.image.BootConfig;
import io.raidvm.controller.qmp.QmpClient;
import io.raidvm.controller.qmp.QmpMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The VMs of this host: their specs and folders (through {@link VmStore}) and the QEMU processes
 * that run them. State that must survive the controller lives on disk; a new controller finds
 * running QEMUs again through their pidfiles.
 */
public final class VmManager implements DiskUsage {

  private static final Logger LOG = Logger.getLogger(VmManager.class.getName());
  private static final int CONSOLE_TAIL_LINES = 40;
  /** How many console lines the message of a VM that died under a call quotes. */
  static final int END_CONSOLE_LINES = 10;
  /** How long {@link #endOf} waits for the end of a QEMU found gone to be recorded. */
  private static final Duration END_GRACE = Duration.ofSeconds(2);
  /** How long a QEMU that ended for a reboot may take to let go of its disks. */
  private static final Duration END_WAIT = Duration.ofSeconds(30);
  private static final Duration READY_POLL = Duration.ofMillis(250);
  private static final Duration AGENT_CALL_TIMEOUT = Duration.ofSeconds(30);
  /** A QMP command that QEMU answers at once (inject-nmi). */
  private static final Duration QMP_TIMEOUT = Duration.ofSeconds(10);
  /** How long an attach waits for the guest to list the new disk (udev names it first). */
  static final Duration GUEST_DISK_WAIT = Duration.ofSeconds(60);

  private final VmStore store;
  private final DiskFolder disks;
  private final ImageResolver images;
  private final QemuImg qemuImg;
  private final QemuLauncher launcher;
  private final AccelProbe accelProbe;
  private final AgentConnector agents;
  private final VmEventListener events;
  private final Map<String, RunningVm> running = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  /** Taken (inside a VM's lock) while an attach checks that no other VM has the disk. */
  private final Object attaching = new Object();
  /** Why the QEMU of a VM runs without this controller attached: what the last try said. */
  private final Map<String, String> unreachable = new ConcurrentHashMap<>();
  /** How the last QEMU of a VM ended, as a sentence naming the VM, until it starts again. */
  private final Map<String, String> ends = new ConcurrentHashMap<>();

  public VmManager(VmStore store, DiskFolder disks, ImageResolver images, QemuImg qemuImg,
      QemuLauncher launcher, AccelProbe accelProbe, AgentConnector agents,
      VmEventListener events) {
    this.store = store;
    this.disks = disks;
    this.images = images;
    this.qemuImg = qemuImg;
    this.launcher = launcher;
    this.accelProbe = accelProbe;
    this.agents = agents;
    this.events = events;
  }

  /** Validates the spec, then makes the VM's folder, OS disk overlay and spec, or nothing. */
  /** How long a call at controller start waits for the re-attach of running VMs. */
  private static final Duration REATTACH_WAIT = Duration.ofSeconds(90);

  /** Open (zero) unless {@link #holdCallsUntilReattached} armed it and re-attach still runs. */
  private volatile CountDownLatch startup = new CountDownLatch(0);

  /**
   * Makes calls wait (up to {@link #REATTACH_WAIT}) until {@link #reattachAll} has run: the
   * controller arms this before its socket opens, so that no call reads a VM whose QEMU still
   * runs as UNREACHABLE only because re-attach has not reached it yet.
   */
  public void holdCallsUntilReattached() {
    startup = new CountDownLatch(1);
  }

  private void awaitStartup() {
    try {
      if (!startup.await(REATTACH_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warning("re-attaching the running VMs takes longer than " + REATTACH_WAIT
            + "; answering with what is known");
      }
    } catch (InterruptedException e) {
      throw RaidvmException.interrupted("waiting for the running VMs to be re-attached", e);
    }
  }

  public VmStatus create(VmSpec spec) {
    awaitStartup();
    String name = Names.requireNewVm(spec.getName());
    if (spec.getAccel() == Accel.UNRECOGNIZED) {
      throw RaidvmException.invalidArgument("accel of VM '%s' is not one of auto, kvm, tcg", name);
    }
    VmSpecs.check(spec);
    dataDisks(spec);
    synchronized (lock(name)) {
      if (store.exists(name)) {
        throw RaidvmException.alreadyExists("VM '%s' already exists", name);
      }
      store.requireSocketPathsFit(name);
      QemuProcess stray = QemuProcess.find(store.paths(name)).orElse(null);
      if (stray != null) {
        throw RaidvmException.failedPrecondition("a QEMU (pid %d) runs from %s, which holds no"
            + " VM spec: nothing was changed; end that QEMU (kill %d) first", stray.pid(),
            store.paths(name).dir(), stray.pid());
      }
      Path image = images.resolve(spec.getImage());
      VmPaths paths = store.createFolder(name);
      try {
        qemuImg.createOverlay(paths.osDisk(), image);
        store.writeSpec(spec);
      } catch (RuntimeException e) {
        store.delete(name);
        throw e;
      }
      return status(spec);
    }
  }

  /** The VM as it is; a read: it attaches to nothing and changes nothing. */
  public VmStatus get(String name) {
    awaitStartup();
    return status(store.read(Names.require("VM", name)));
  }

  /** The VMs, and what under {@code vms/} was skipped: not a VM, or its spec unreadable. */
  public record Listing(List<VmStatus> vms, List<String> skipped) {}

  /**
   * Every VM, as it is; an entry that is not one, or whose spec cannot be read, is skipped and
   * said so. A read, like {@link #get}.
   */
  public Listing list() {
    awaitStartup();
    VmStore.Listing found = store.scan();
    List<VmStatus> vms = new ArrayList<>();
    List<String> skipped = new ArrayList<>(found.skipped());
    for (String name : found.names()) {
      try {
        vms.add(get(name));
      } catch (RaidvmException e) {
        if (e.kind() != RaidvmException.Kind.NOT_FOUND) {
          skipped.add(store.paths(name).dir() + ": cannot read its spec, skipped: "
              + e.getMessage());
        }
      }
    }
    return new Listing(List.copyOf(vms), List.copyOf(skipped));
  }

  /**
   * Launches QEMU and connects to it; unless {@code noWait}, waits until the agent answers and
   * the guest's boot has finished. A VM whose QEMU runs without this controller attached (it
   * started before this controller) is re-attached instead; when that fails, FAILED_PRECONDITION
   * naming the pid, and nothing changes.
   *
   * @param readyTimeout zero means the default ({@link VmTimeouts#ready})
   */
  public VmStatus start(String name, boolean noWait, Duration readyTimeout) {
    awaitStartup();
    Names.require("VM", name);
    Duration timeout = VmTimeouts.ready(readyTimeout);
    RunningVm r;
    synchronized (lock(name)) {
      VmSpec spec = store.read(name);
      VmPaths paths = store.paths(name);
      RunningVm current = running.get(name);
      if (current != null && current.process.isAlive()) {
        throw RaidvmException.failedPrecondition("VM '%s' is already running (state %s, pid %d)",
            name, current.state(), current.process.pid());
      }
      QemuProcess orphan = QemuProcess.find(paths).orElse(null);
      if (orphan != null) {
        r = reattach(name, spec, orphan, "start");
      } else {
        r = launch(name, spec, paths, current);
      }
    }
    if (!noWait) {
      awaitReady(name, r, timeout);
    }
    return get(name);
  }

  /** Launches QEMU for a VM that has none, and attaches to it. */
  private RunningVm launch(String name, VmSpec spec, VmPaths paths, RunningVm stale) {
    if (stale != null) {
      forget(name, stale);
    }
    // A pulled disk stays the VM's but is not plugged in: a restart must not bring it back.
    List<DataDisk> dataDisks = dataDisks(spec).stream()
        .filter(d -> !spec.getPulledDisksList().contains(d.name())).toList();
    AccelChoice choice = accelProbe.choose(spec.getAccel());
    choice.warnings().forEach(w -> LOG.warning(() -> "VM " + name + ": " + w));
    QemuLauncher.Launched launched = launcher.launch(spec, paths, dataDisks, choice);
    store.setDesiredRunning(name, true);
    ends.remove(name);
    unreachable.remove(name);
    RunningVm r;
    try {
      r = attach(name, paths, launched.process(), launched.child(), choice.accel(),
          launched.cpu(), choice.warnings(), false);
    } catch (RuntimeException e) {
      store.setDesiredRunning(name, false);
      launched.process().kill();
      throw e;
    }
    LOG.info(() -> "VM " + name + " started: pid " + launched.process().pid() + ", -accel "
        + choice.accel() + " -cpu " + launched.cpu());
    events.vmEvent(name, VmEvent.Kind.STARTED, "", "pid " + launched.process().pid());
    return r;
  }

  /**
   * Powers the VM off (see {@link StopLadder}). A VM that does not run is left as it is, except
   * that a crashed one counts as stopped from now on. A QEMU that runs without this controller
   * attached is re-attached first; when that fails, FAILED_PRECONDITION and nothing changes.
   *
   * Refused, before anything changes, while md reshapes an array in the guest unless {@code
   * interruptReshape} ({@link #requireNoReshape}).
   *
   * @param timeout how long the guest may take; zero means the default ({@link VmTimeouts#stop})
   */
  public VmStatus stop(String name, boolean force, Duration timeout, boolean interruptReshape) {
    awaitStartup();
    Names.require("VM", name);
    Duration guestTimeout = VmTimeouts.stop(timeout);
    synchronized (lock(name)) {
      VmSpec spec = store.read(name);
      RunningVm r = running.get(name);
      if (r == null || !r.process.isAlive()) {
        if (r != null) {
          forget(name, r);
        }
        QemuProcess orphan = QemuProcess.find(store.paths(name)).orElse(null);
        r = orphan == null ? null : reattach(name, spec, orphan, "stop");
      }
      if (r != null && !interruptReshape) {
        requireNoReshape(name, r, "stop");
      }
      store.setDesiredRunning(name, false);
      if (r != null) {
        r.markStopping();
        try {
          String how = StopLadder.stop(name, r, force, guestTimeout);
          LOG.info(() -> "VM " + name + " stopped (" + how + ")");
          ends.put(name, String.format("VM '%s' was stopped on request (it ended at the stop"
              + " step '%s')", name, how));
          events.vmEvent(name, VmEvent.Kind.STOPPED, "", how);
        } finally {
          forget(name, r);
        }
      }
      return status(spec);
    }
  }

  /**
   * Reboots the guest through its agent, then waits until the agent has gone away and answers
   * again and the new boot has finished, as a person watching the console would. Refused while
   * md reshapes an array in the guest unless {@code interruptReshape}, as {@link #stop}.
   *
   * @param readyTimeout zero means the default ({@link VmTimeouts#ready})
   */
  public VmStatus reboot(String name, Duration readyTimeout, boolean interruptReshape) {
    awaitStartup();
    Names.require("VM", name);
    Duration timeout = VmTimeouts.ready(readyTimeout);
    RunningVm r;
    synchronized (lock(name)) {
      VmSpec spec = store.read(name);
      VmStatus current = status(spec);
      r = running.get(name);
      if (r == null || current.state() != VmState.READY) {
        throw RaidvmException.failedPrecondition("VM '%s' is %s: only a VM whose agent answers"
            + " can be rebooted (start it, or wait until it is ready)", name, current.state());
      }
      if (!interruptReshape) {
        requireNoReshape(name, r, "reboot");
      }
      r.agent.reboot(AGENT_CALL_TIMEOUT);
      r.rebooting();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    awaitAgentGone(name, r, timeout);
    awaitReady(name, r, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    LOG.info(() -> "VM " + name + " rebooted");
    return get(name);
  }

  /**
   * The QEMU that took the place of {@code old}, which ends when its guest reboots
   * ({@link QemuCommandLine#COLD_REBOOT}); UNAVAILABLE when it was not started again.
   */
  private RunningVm awaitRestart(String name, RunningVm old, long deadline, Duration timeout) {
    while (true) {
      RunningVm now = running.get(name);
      if (now != null && now != old) {
        return now;
      }
      if (now == null && !store.desiredRunning(name)) {
        throw RaidvmException.unavailable("VM '%s' ended and was not started again: %s", name,
            endOf(name).orElse("it was stopped meanwhile"));
      }
      if (now == null && endOf(name).isPresent()) {
        throw RaidvmException.unavailable("%s", endOf(name).get());
      }
      if (System.nanoTime() - deadline >= 0) {
        throw RaidvmException.deadlineExceeded("VM '%s': its guest reset, and its QEMU did not"
            + " end and start again within %d s (it ends when the guest resets)", name,
            timeout.toSeconds());
      }
      sleep(name);
    }
  }

  /**
   * Starts QEMU again for a guest that rebooted under a QEMU that ends on reboot
   * ({@link QemuCommandLine#COLD_REBOOT}), unless the VM was started or stopped meanwhile. A
   * failure becomes the VM's end, as a crash would.
   */
  private void startAfterReboot(String name, RunningVm old) {
    synchronized (lock(name)) {
      if (running.containsKey(name) || !store.desiredRunning(name)) {
        return;
      }
      try {
        if (!old.process.awaitExit(END_WAIT)) {
          throw RaidvmException.unavailable("the QEMU that ran the last boot (pid %d) was still"
              + " there after %d s", old.process.pid(), END_WAIT.toSeconds());
        }
        RunningVm r = launch(name, store.read(name), store.paths(name), null);
        String why = old.hasPanicked() ? "the guest's kernel panicked and reset itself"
            : "the guest rebooted";
        LOG.info(() -> "VM " + name + ": " + why + "; QEMU started again, pid "
            + r.process.pid());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        String how = "its guest rebooted and QEMU could not be started again: " + e.getMessage();
        LOG.warning(() -> "VM " + name + ": " + how);
        ends.put(name, String.format("VM '%s' stopped unexpectedly: %s", name, how));
        events.vmEvent(name, VmEvent.Kind.CRASHED, "", how);
      }
    }
  }

  private void awaitAgentGone(String name, RunningVm r, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (r.agent.status().connected()) {
      if (System.nanoTime() - deadline >= 0) {
        throw RaidvmException.deadlineExceeded("VM '%s' accepted the reboot but its agent was"
            + " still there after %d s", name, timeout.toSeconds());
      }
      sleep(name);
    }
  }

  private static void sleep(String name) {
    try {
      Thread.sleep(READY_POLL.toMillis());
    } catch (InterruptedException e) {
      throw RaidvmException.interrupted("waiting for VM " + name, e);
    }
  }

  /**
   * Waits until the agent of a running VM answers and its boot has finished, e.g. while a controller that has just
   * re-attached reconnects to it. FAILED_PRECONDITION when the VM does not run.
   *
   * @param readyTimeout zero means the default ({@link VmTimeouts#ready})
   */
  public VmStatus awaitReady(String name, Duration readyTimeout) {
    Names.require("VM", name);
    Duration timeout = VmTimeouts.ready(readyTimeout);
    VmStatus current = get(name);
    RunningVm r = running.get(name);
    if (r == null || !VmStatus.qemuRuns(current.state())) {
      throw RaidvmException.failedPrecondition("VM '%s' is %s: start it first", name,
          current.state() + (current.stateReason().isEmpty() ? ""
              : " (" + current.stateReason() + ")"));
    }
    awaitReady(name, r, timeout);
    return get(name);
  }

  /**
   * The last {@code lines} lines of the VM's console (0 means {@link ConsoleLog#DEFAULT_LINES})
   * and where they end; INVALID_ARGUMENT for more than {@link ConsoleLog#MAX_LINES}.
   */
  public ConsoleLog.Text readConsole(String name, long lines) {
    long count = ConsoleLog.lines(lines);
    return ConsoleLog.last(consoleLog(name), (int) count);
  }

  /** The file QEMU writes the VM's serial console to (it may not exist before a first start). */
  public Path consoleLog(String name) {
    Names.require("VM", name);
    store.read(name);
    return store.paths(name).consoleLog();
  }

  /** Deletes a VM that does not run: its folder and OS disk. Data disks stay. */
  public void delete(String name) {
    awaitStartup();
    Names.require("VM", name);
    synchronized (lock(name)) {
      VmStatus current = status(store.read(name));
      if (VmStatus.qemuRuns(current.state())) {
        throw RaidvmException.failedPrecondition("VM '%s' is running (state %s, pid %d): stop it"
            + " first", name, current.state(), current.pid());
      }
      store.delete(name);
    }
  }

  /**
   * Finds the QEMUs that still run from an earlier controller and connects to them; one that
   * cannot be re-attached is left running and shown UNREACHABLE with the reason.
   */
  public void reattachAll() {
    try {
      reattachEach();
    } finally {
      startup.countDown();
    }
    Listing listing = list();
    listing.skipped().forEach(LOG::warning);
    for (VmStatus vm : listing.vms()) {
      LOG.info(() -> "VM " + vm.spec().getName() + ": " + vm.state()
          + (vm.pid() > 0 ? " (pid " + vm.pid() + ")" : "")
          + (vm.stateReason().isEmpty() ? "" : ": " + vm.stateReason()));
    }
  }

  private void reattachEach() {
    for (String name : store.scan().names()) {
      try {
        synchronized (lock(name)) {
          VmSpec spec = store.read(name);
          RunningVm r = running.get(name);
          QemuProcess orphan = r != null && r.process.isAlive() ? null
              : QemuProcess.find(store.paths(name)).orElse(null);
          if (orphan != null) {
            tryReattach(name, spec, orphan);
          }
        }
      } catch (RaidvmException e) {
        // Logged once already: a failed re-attach by tryReattach, an unreadable spec by list().
      }
    }
  }

  /** What {@link #attachDisk} did: the VM now, and for a running VM its scsi-id and device. */
  public record Attached(VmStatus vm, boolean hotPlugged, int scsiId, String guestDevice) {}

  /** What {@link #detachDisk} did: the VM now, and whether the disk left a running QEMU. */
  public record Detached(VmStatus vm, boolean hotUnplugged) {}

  /**
   * Adds a data disk to the VM's spec (written atomically) and, when the VM runs, plugs it in
   * over QMP ({@link HotPlug}) and waits until the guest lists it by serial (when its agent
   * answers). One disk change, start or stop per VM at a time (the VM's lock).
   */
  public Attached attachDisk(String name, String disk) {
    awaitStartup();
    Names.require("VM", name);
    requireDataDisk(disk, "attached");
    synchronized (lock(name)) {
      VmSpec spec = store.read(name);
      Path path = disks.existing(disk);
      boolean pulled = spec.getPulledDisksList().contains(disk);
      if (spec.getDataDisksList().contains(disk) && !pulled) {
        throw RaidvmException.failedPrecondition("disk '%s' is attached to VM '%s' already",
            disk, name);
      }
      RunningVm r = liveFor(name, "attach disk '" + disk + "' to");
      // A pulled disk goes back in (its slot in data_disks kept); another one is added.
      VmSpec updated = pulled ? withoutPulled(spec, disk)
          : spec.toBuilder().addDataDisks(disk).build();
      DiskDevice device;
      // Under one lock for all VMs from the check to the spec: two attaches of one disk to two
      // VMs cannot both find it free.
      synchronized (attaching) {
        List<String> others = vmsListing(disk).stream().filter(vm -> !vm.equals(name))
            .toList();
        if (!others.isEmpty()) {
          throw RaidvmException.failedPrecondition("disk '%s' is attached to VM '%s': a disk"
              + " serves one VM; detach it there first (raidctl disk detach %s %s)", disk,
              others.get(0), others.get(0), disk);
        }
        if (r == null) {
          store.writeSpec(updated);
          events.vmEvent(name, VmEvent.Kind.DISK_ATTACHED, disk, pulled
              ? "plugged in again at the next start (it was pulled; the VM is stopped)"
              : "to the spec (the VM is stopped)");
          return new Attached(status(updated), false, 0, "");
        }
        device = HotPlug.attach(r.qmp, new DataDisk(disk, path));
        try {
          store.writeSpec(updated);
        } catch (RuntimeException e) {
          try {
            HotPlug.detach(r.qmp, disk);
          } catch (RuntimeException undo) {
            e.addSuppressed(undo);
          }
          throw e;
        }
      }
      LOG.info(() -> "VM " + name + ": disk " + disk + " attached at scsi-id " + device.scsiId());
      events.vmEvent(name, VmEvent.Kind.DISK_ATTACHED, disk, (pulled ? "plugged in again"
          + " (it was pulled)" : "hot-plugged") + " at scsi-id " + device.scsiId());
      String guestDevice = r.agent.status().connected()
          ? awaitGuestDisk(name, r, disk, device.scsiId()) : "";
      return new Attached(status(updated), true, device.scsiId(), guestDevice);
    }
  }

  /**
   * Takes a data disk out of the VM's spec (written atomically) and, when the VM runs, pulls it
   * out over QMP ({@link HotPlug}). Unless {@code force}, a running guest is asked first and a
   * disk it uses is refused: md would see a missing member, a filesystem its device gone.
   */
  public Detached detachDisk(String name, String disk, boolean force) {
    awaitStartup();
    Names.require("VM", name);
    requireDataDisk(disk, "detached");
    synchronized (lock(name)) {
      VmSpec spec = requireHas(store.read(name), disk);
      RunningVm r = liveFor(name, "detach disk '" + disk + "' from");
      boolean pulled = spec.getPulledDisksList().contains(disk);
      VmSpec updated = withoutPulled(spec, disk).toBuilder().clearDataDisks()
          .addAllDataDisks(spec.getDataDisksList().stream().filter(d -> !d.equals(disk))
              .toList())
          .build();
      boolean unplugged = false;
      if (r != null) {
        if (!force && !pulled) {
          refuseInUse(name, r, disk);
        }
        try {
          unplugged = HotPlug.detach(r.qmp, disk);
        } catch (RaidvmException e) {
          throw new RaidvmException(e.kind(), String.format("disk '%s' may still be in VM '%s',"
              + " and its spec still lists it: %s. Run the detach again", disk, name,
              e.getMessage()), e);
        }
      }
      store.writeSpec(updated);
      boolean tookOut = unplugged;
      LOG.info(() -> "VM " + name + ": disk " + disk + " detached"
          + (tookOut ? " from the running VM" : ""));
      events.vmEvent(name, VmEvent.Kind.DISK_DETACHED, disk, r == null
          ? "from the spec (the VM is stopped)"
          : unplugged ? "pulled from the running VM" + (force ? " (forced)" : "")
          : "from the spec (the running QEMU did not have it)");
      return new Detached(status(updated), unplugged);
    }
  }

  /** What {@link #pullDisk} did: the VM now, and QEMU's slot the disk had (0: none). */
  public record Pulled(VmStatus vm, int scsiId, String detail) {}

  /**
   * Surprise removal: pulls a data disk out of the running VM over QMP ({@link HotPlug}'s
   * detach) without asking the guest and without the in-use check that a detach makes — a
   * dying drive asks nobody, and md must notice on its own. The spec keeps the disk, marked
   * pulled, so that a restart does not silently bring it back; {@link #attachDisk} plugs it in
   * again, {@link #detachDisk} takes it out of the spec.
   */
  public Pulled pullDisk(String name, String disk) {
    awaitStartup();
    Names.require("VM", name);
    requireDataDisk(disk, "pulled");
    synchronized (lock(name)) {
      VmSpec spec = requireHas(store.read(name), disk);
      if (spec.getPulledDisksList().contains(disk)) {
        throw RaidvmException.failedPrecondition("disk '%s' of VM '%s' is pulled already;"
            + " raidctl disk attach %s %s plugs it in again", disk, name, name, disk);
      }
      RunningVm r = liveFor(name, "pull disk '" + disk + "' from");
      if (r == null) {
        throw RaidvmException.failedPrecondition("VM '%s' is not running: a pull takes a disk"
            + " from a running VM (raidctl disk detach %s %s takes it out of a stopped VM's"
            + " spec)", name, name, disk);
      }
      Optional<Integer> unplugged;
      try {
        unplugged = HotPlug.unplug(r.qmp, disk, HotPlug.UNPLUG_TIMEOUT);
      } catch (RaidvmException e) {
        throw new RaidvmException(e.kind(), String.format("disk '%s' may still be in VM '%s'"
            + " (its spec does not mark it pulled): %s. Run the pull again", disk, name,
            e.getMessage()), e);
      }
      VmSpec updated = spec.toBuilder().addPulledDisks(disk).build();
      store.writeSpec(updated);
      int slot = unplugged.orElse(0);
      String detail = unplugged.isPresent()
          ? String.format("pulled disk '%s' (scsi-id %d) out of the running VM without asking"
              + " the guest (device_del, DEVICE_DELETED, blockdev-del); its spec keeps it,"
              + " marked pulled: a restart leaves it out, raidctl disk attach %s %s plugs it"
              + " in again", disk, slot, name, disk)
          : String.format("QEMU did not have disk '%s'; its spec now marks it pulled", disk);
      LOG.info(() -> "VM " + name + ": " + detail);
      events.vmEvent(name, VmEvent.Kind.DISK_PULLED, disk, detail);
      return new Pulled(status(updated), slot, detail);
    }
  }

  /** What {@link #injectNmi} did: the VM now, and in words. */
  public record Injected(VmStatus vm, String detail) {}

  /**
   * Sends an NMI to every vCPU of the running guest (QMP inject-nmi, as virsh inject-nmi), the
   * way to crash a hung guest on purpose or to rehearse a crash: a raidvm image's kernel panics
   * on it ({@code unknown_nmi_panic}), says so (QMP GUEST_PANICKED, a CRASHED event) and resets
   * itself after {@link BootConfig#PANIC_RESET_SECONDS} s; under TCG the controller then starts
   * QEMU again, as after a reboot. For md it is a power cut. Refused while md reshapes an array
   * unless {@code interruptReshape}, as {@link #stop}.
   */
  public Injected injectNmi(String name, boolean interruptReshape) {
    awaitStartup();
    Names.require("VM", name);
    synchronized (lock(name)) {
      store.read(name);
      RunningVm r = liveFor(name, "inject an NMI into");
      if (r == null) {
        throw RaidvmException.failedPrecondition("VM '%s' is not running: an NMI goes to a"
            + " running guest", name);
      }
      if (!interruptReshape) {
        requireNoReshape(name, r, "inject an NMI into VM '" + name + "'", String.format(
            "raidctl fault %s --nmi --interrupt-reshape", name));
      }
      String detail = String.format("an NMI to every vCPU of VM '%s' (QMP inject-nmi): a raidvm"
          + " image's kernel panics (unknown_nmi_panic) and resets after %d s", name,
          BootConfig.PANIC_RESET_SECONDS);
      // Told before it is sent: the guest's answer (GUEST_PANICKED, a CRASHED event) may come
      // on QMP's thread before this one has the reply.
      LOG.info(() -> "VM " + name + ": sending " + detail);
      events.vmEvent(name, VmEvent.Kind.NMI_INJECTED, "", detail);
      r.qmp.execute("inject-nmi", null, QMP_TIMEOUT);
      return new Injected(get(name), "sent " + detail);
    }
  }

  /**
   * Runs {@code action} on a data disk of a stopped VM, under the VM's lock (so that no start
   * takes the disk meanwhile); FAILED_PRECONDITION for a VM whose QEMU runs.
   */
  public <T> T onStoppedVmDisk(String name, String disk, String doing,
      Function<Path, T> action) {
    awaitStartup();
    Names.require("VM", name);
    requireDataDisk(disk, doing);
    synchronized (lock(name)) {
      requireHas(store.read(name), disk);
      Path path = disks.existing(disk);
      RunningVm r = liveFor(name, doing + " disk '" + disk + "' of");
      if (r != null) {
        throw RaidvmException.failedPrecondition("VM '%s' runs: disk '%s' can be %s only while"
            + " its VM is stopped (the guest's writes and the host's would race); stop it"
            + " first (raidctl vm stop %s)", name, disk, doing, name);
      }
      return action.apply(path);
    }
  }

  /** A VM event of a fault that {@link #onStoppedVmDisk} let happen. */
  public void faultEvent(String name, VmEvent.Kind kind, String disk, String detail) {
    LOG.info(() -> "VM " + name + ": " + detail);
    events.vmEvent(name, kind, disk, detail);
  }

  /** The spec, when it lists {@code disk}; FAILED_PRECONDITION (NOT_FOUND: no such disk). */
  private VmSpec requireHas(VmSpec spec, String disk) {
    if (!spec.getDataDisksList().contains(disk)) {
      disks.existing(disk);
      throw RaidvmException.failedPrecondition("disk '%s' is not attached to VM '%s' (its data"
          + " disks: %s)", disk, spec.getName(), spec.getDataDisksCount() == 0 ? "none"
          : String.join(", ", spec.getDataDisksList()));
    }
    return spec;
  }

  private static VmSpec withoutPulled(VmSpec spec, String disk) {
    return spec.toBuilder().clearPulledDisks().addAllPulledDisks(spec.getPulledDisksList()
        .stream().filter(d -> !d.equals(disk)).toList()).build();
  }

  private static void requireDataDisk(String disk, String what) {
    if (DiskDevice.OS.equals(disk)) {
      throw RaidvmException.invalidArgument("'os' is the VM's OS disk: it cannot be %s; name a"
          + " data disk", what);
    }
    Names.require("disk", disk);
  }

  /**
   * The attached QEMU of a VM that runs, or null for one that does not; FAILED_PRECONDITION for
   * a QEMU that runs without this controller attached, or one being stopped.
   */
  private RunningVm liveFor(String name, String doing) {
    RunningVm r = running.get(name);
    if (r != null && r.process.isAlive()) {
      if (r.state() == VmState.STOPPING) {
        throw RaidvmException.failedPrecondition("cannot %s VM '%s': it is being stopped; try"
            + " again once it has stopped", doing, name);
      }
      return r;
    }
    QemuProcess orphan = QemuProcess.find(store.paths(name)).orElse(null);
    if (orphan != null) {
      throw RaidvmException.failedPrecondition("cannot %s VM '%s': its QEMU runs (pid %d) but"
          + " this controller is not attached to it; nothing was changed. Start the VM again"
          + " (raidctl vm start %s) to re-attach, then retry", doing, name, orphan.pid(), name);
    }
    return null;
  }

  /**
   * Refuses, FAILED_PRECONDITION, to {@code verb} ("stop", "reboot") the VM while md reshapes an
   * array in it: a reshape cut short lost data when it went on ({@link ReshapeInterruption}).
   * An agent that cannot be asked is not taken for "no reshape": UNAVAILABLE, unless it is gone
   * altogether (a hung or dead guest, which only a stop ends: nothing says a reshape runs).
   */
  private void requireNoReshape(String name, RunningVm r, String verb) {
    requireNoReshape(name, r, verb + " VM '" + name + "'", String.format("raidctl vm %s %s"
        + " --interrupt-reshape", verb, name));
  }

  /** {@link #requireNoReshape}, with the words of what is refused and of its override. */
  private void requireNoReshape(String name, RunningVm r, String what, String command) {
    String override = String.format(", or pass interrupt_reshape (%s) to do it anyway",
        command);
    if (!r.agent.status().connected()) {
      return;
    }
    List<String> reshaping;
    try {
      reshaping = ReshapeInterruption.reshaping(r.agent.listArrays(AGENT_CALL_TIMEOUT));
    } catch (RaidvmException e) {
      throw RaidvmException.unavailable("cannot %s: cannot ask its guest whether md reshapes"
          + " an array (%s), and cutting a reshape short loses data. Nothing was done; try"
          + " again%s", what, e.getMessage(), override);
    }
    if (!reshaping.isEmpty()) {
      throw ReshapeInterruption.refusal(what, reshaping, override);
    }
  }

  /** Refuses to pull a disk the guest uses, or when the guest cannot be asked. */
  private void refuseInUse(String name, RunningVm r, String disk) {
    String why = "detaching a disk the guest uses pulls it from under it: md sees a missing"
        + " member (the array runs degraded, or fails when it cannot spare it) and a mounted"
        + " filesystem loses its device";
    if (!r.agent.status().connected()) {
      throw RaidvmException.failedPrecondition("cannot ask the guest of VM '%s' whether disk"
          + " '%s' is in use: its agent does not answer (state %s). Nothing was changed; %s."
          + " --force detaches without asking", name, disk, r.state(), why);
    }
    ListBlockDevicesResponse devices;
    try {
      devices = r.agent.listBlockDevices(AGENT_CALL_TIMEOUT);
    } catch (RaidvmException e) {
      throw RaidvmException.failedPrecondition("cannot ask the guest of VM '%s' whether disk"
          + " '%s' is in use: %s. Nothing was changed; %s. --force detaches without asking",
          name, disk, e.getMessage(), why);
    }
    List<String> uses = GuestDisks.bySerial(devices, disk).map(GuestDisks::uses)
        .orElse(List.of());
    if (!uses.isEmpty()) {
      throw RaidvmException.failedPrecondition("disk '%s' is in use in VM '%s': %s. Nothing was"
          + " changed; %s. Stop using it first (raidctl raid fail/remove, raidctl fs umount),"
          + " or detach with --force", disk, name, String.join("; ", uses), why);
    }
  }

  /**
   * Waits until the guest lists a just attached disk by serial (udev has named it) and returns
   * its device; DEADLINE_EXCEEDED after {@link #GUEST_DISK_WAIT}, saying the disk is attached.
   */
  private String awaitGuestDisk(String name, RunningVm r, String disk, int scsiId) {
    long deadline = System.nanoTime() + GUEST_DISK_WAIT.toNanos();
    String lastError = "";
    while (true) {
      try {
        Optional<BlockDevice> seen = GuestDisks.bySerial(
            r.agent.listBlockDevices(AGENT_CALL_TIMEOUT), disk);
        if (seen.isPresent()) {
          return seen.get().getPath();
        }
      } catch (RaidvmException e) {
        lastError = " (last error: " + e.getMessage() + ")";
      }
      if (System.nanoTime() - deadline >= 0) {
        throw RaidvmException.deadlineExceeded("disk '%s' is attached to VM '%s' (scsi-id %d,"
            + " and in its spec), but the guest has not listed it within %d s%s; raidctl blk"
            + " list %s shows it once it does", disk, name, scsiId, GUEST_DISK_WAIT.toSeconds(),
            lastError, name);
      }
      sleep(name);
    }
  }

  /**
   * Rotates each VM's console log that has grown beyond {@link ConsoleLog#ROTATE_AT_BYTES}
   * (QEMU keeps appending to it); the controller calls this every little while.
   */
  public void rotateConsoleLogs() {
    for (String name : store.names()) {
      Path log = store.paths(name).consoleLog();
      if (ConsoleLog.rotate(log, ConsoleLog.ROTATE_AT_BYTES)) {
        LOG.info(() -> "VM " + name + ": rotated " + log + " to " + log.getFileName() + ".1");
      }
    }
  }

  /** Lets go of every QEMU without stopping it: the next controller re-attaches. */
  public void detachAll() {
    running.forEach((name, r) -> {
      running.remove(name, r);
      r.detach();
    });
  }

  /**
   * How the VM's QEMU ended, as a sentence that names the VM, when it is known to have ended
   * since this controller attached to it: for a call that failed because the VM went away. Empty
   * while its QEMU runs. A QEMU found gone whose end is not recorded yet (its QMP connection
   * closes a moment after it exits) is waited for, up to 2 s.
   */
  public Optional<String> endOf(String name) {
    long deadline = System.nanoTime() + END_GRACE.toNanos();
    while (true) {
      RunningVm r = running.get(name);
      if (r == null) {
        return Optional.ofNullable(ends.get(name));
      }
      if (r.process.isAlive() || System.nanoTime() - deadline >= 0) {
        return Optional.empty();
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  @Override
  public List<String> vmsListing(String disk) {
    return store.names().stream().filter(vm -> listsDisk(vm, disk)).toList();
  }

  @Override
  public List<String> runningVmsListing(String disk) {
    return vmsListing(disk).stream().filter(vm -> VmStatus.qemuRuns(get(vm).state())).toList();
  }

  private boolean listsDisk(String vm, String disk) {
    try {
      return store.read(vm).getDataDisksList().contains(disk);
    } catch (RaidvmException e) {
      return false;
    }
  }

  /** What is: the attached QEMU, else the pidfile's live QEMU (unreachable), else none. */
  private VmStatus status(VmSpec spec) {
    String name = spec.getName();
    VmPaths paths = store.paths(name);
    RunningVm r = running.get(name);
    if (r != null && r.process.isAlive()) {
      return new VmStatus(spec, r.state(), r.agent.status(), paths.consoleLog(), r.process.pid(),
          r.accel, r.cpu, paths.osDisk(), r.warnings(), r.startedAt, "");
    }
    QemuProcess orphan = QemuProcess.find(paths).orElse(null);
    if (orphan != null) {
      return new VmStatus(spec, VmState.UNREACHABLE, AgentStatus.NONE, paths.consoleLog(),
          orphan.pid(), orphan.option("-accel").orElse(""), orphan.option("-cpu").orElse(""),
          paths.osDisk(), List.of(), orphan.startedAt().orElse(null),
          unreachableReason(name, orphan));
    }
    boolean crashed = store.desiredRunning(name);
    return new VmStatus(spec, crashed ? VmState.CRASHED : VmState.STOPPED, AgentStatus.NONE,
        paths.consoleLog(), 0, "", "", paths.osDisk(), List.of(), null,
        crashed ? ends.getOrDefault(name, "QEMU ended without being asked to") : "");
  }

  private String unreachableReason(String name, QemuProcess process) {
    return String.format("QEMU runs (pid %d) but this controller is not attached to it: %s",
        process.pid(), unreachable.getOrDefault(name,
            "it was not re-attached (it started after this controller did?)"));
  }

  /**
   * Re-attaches to a QEMU that runs without this controller, for {@code doing} (start, stop);
   * when that fails, the reason is kept for {@link #get} and the caller gets
   * FAILED_PRECONDITION naming the pid and what to do. Nothing is changed either way.
   */
  private RunningVm reattach(String name, VmSpec spec, QemuProcess process, String doing) {
    try {
      return tryReattach(name, spec, process);
    } catch (RaidvmException e) {
      throw RaidvmException.failedPrecondition("cannot %s VM '%s': its QEMU runs (pid %d) but"
          + " this controller cannot attach to it: %s. Nothing was changed, and its files stay"
          + " while it runs. Find why %s does not answer and %s it again, or end that QEMU"
          + " (kill %d) and start the VM again", doing, name, process.pid(), e.getMessage(),
          store.paths(name).qmpSocket(), doing, process.pid());
    }
  }

  private RunningVm tryReattach(String name, VmSpec spec, QemuProcess process) {
    AccelChoice now = accelProbe.choose(spec.getAccel());
    String accel = process.option("-accel").orElse("");
    try {
      RunningVm r = attach(name, store.paths(name), process, null, accel,
          process.option("-cpu").orElse(""),
          now.accel().equals(accel) ? now.warnings() : List.of(), true);
      unreachable.remove(name);
      ends.remove(name);
      return r;
    } catch (RaidvmException e) {
      unreachable.put(name, e.getMessage());
      LOG.warning(() -> "VM " + name + ": QEMU runs (pid " + process.pid()
          + ") but cannot be re-attached: " + e.getMessage());
      throw e;
    }
  }

  private RunningVm attach(String name, VmPaths paths, QemuProcess process, Process child,
      String accel, String cpu, List<String> warnings, boolean reattached) {
    QmpClient qmp = QmpClient.connect(paths.qmpSocket());
    AgentSession agent;
    try {
      agent = agents.open(name, paths);
    } catch (RuntimeException e) {
      qmp.close();
      throw e;
    }
    Instant startedAt = process.startedAt().orElse(Instant.now());
    RunningVm r = new RunningVm(process, child, qmp, agent, accel, cpu, warnings, startedAt,
        reattached);
    running.put(name, r);
    qmp.addEventListener(event -> onEvent(name, event));
    qmp.onClose(() -> {
      if (!r.detached() && running.get(name) == r && r.endedForReboot()
          && store.desiredRunning(name)) {
        forget(name, r);
        Thread restart = new Thread(() -> startAfterReboot(name, r), "vm-" + name + "-reboot");
        restart.setDaemon(true);
        restart.start();
        return;
      }
      if (!r.detached() && running.get(name) == r) {
        String how = recordEnd(name, r);
        forget(name, r);
        if (how != null) {
          ended(name, r, how);
        }
      }
    });
    if (reattached) {
      LOG.info(() -> "VM " + name + ": re-attached to QEMU pid " + process.pid());
    }
    return r;
  }

  /**
   * Notes how QEMU ended, before its handles go, so that a call that fails because of it can
   * say so ({@link #endOf}); returns how, or null when there is nothing to report: a stop is on
   * its way (it reports itself), or QEMU still runs and only its QMP connection ended.
   */
  private String recordEnd(String name, RunningVm r) {
    OptionalInt exit = r.exitStatus();
    if (r.state() == VmState.STOPPING) {
      return null;
    }
    if (r.process.isAlive()) {
      unreachable.put(name, "its QMP connection closed while QEMU went on running");
      LOG.warning(() -> "VM " + name + ": QMP connection closed, QEMU (pid " + r.process.pid()
          + ") still runs");
      return null;
    }
    String how = QemuEnd.how(exit, r.shutdownReason());
    Path log = store.paths(name).consoleLog();
    if (store.desiredRunning(name)) {
      ends.put(name, String.format("VM '%s' stopped unexpectedly: %s (pid %d). Last lines of"
          + " %s:%n%s", name, how, r.process.pid(), log,
          ConsoleLog.tail(log, END_CONSOLE_LINES)));
    } else {
      ends.put(name, String.format("VM '%s' powered off: %s (pid %d)", name, how,
          r.process.pid()));
    }
    return how;
  }

  /** QEMU went away without {@link #stop}: an orderly guest power-off, or a crash. */
  private void ended(String name, RunningVm r, String how) {
    if (store.desiredRunning(name)) {
      events.vmEvent(name, VmEvent.Kind.CRASHED, "", how);
    } else {
      events.vmEvent(name, VmEvent.Kind.STOPPED, "", "the guest powered off");
    }
  }

  private void onEvent(String name, QmpMessage.Event event) {
    LOG.fine(() -> "VM " + name + ": QMP event " + event.name() + " " + event.data());
    if (event.name().equals("SHUTDOWN")) {
      RunningVm r = running.get(name);
      if (r != null) {
        r.shutdownSeen(event.data().path("reason").asText());
      }
    }
    if (event.name().equals("SHUTDOWN") && event.data().path("guest").asBoolean()
        && event.data().path("reason").asText().equals("guest-shutdown")) {
      // The guest powered itself off: an orderly end, not a crash.
      store.setDesiredRunning(name, false);
    }
    if (event.name().equals("GUEST_PANICKED")) {
      RunningVm r = running.get(name);
      if (r != null) {
        r.panicked();
      }
      // The guest's pvpanic driver said so; QEMU runs on (-action panic=none) and the guest's
      // kernel resets itself (panic= on its command line, docs/design.md "A guest kernel panic").
      String detail = "the guest's kernel panicked (QMP GUEST_PANICKED); a raidvm image resets"
          + " after " + BootConfig.PANIC_RESET_SECONDS + " s and boots again. Its last words are"
          + " in " + store.paths(name).consoleLog();
      LOG.warning(() -> "VM " + name + ": " + detail);
      events.vmEvent(name, VmEvent.Kind.CRASHED, "", detail);
    }
    if (event.name().equals("VSERPORT_CHANGE")
        && event.data().path("id").asText().equals(QemuCommandLine.AGENT_PORT_ID)) {
      RunningVm r = running.get(name);
      if (r != null) {
        r.agent.portChanged(event.data().path("open").asBoolean());
      }
    }
    if (event.name().equals("BLOCK_IO_ERROR")) {
      DiskIoError error = DiskIoError.of(event.data());
      events.vmEvent(name, VmEvent.Kind.DISK_IO_ERROR, error.disk(), error.detail());
    }
  }

  private void forget(String name, RunningVm r) {
    running.remove(name, r);
    r.detach();
  }

  /**
   * Waits until the agent answers and the guest's boot has finished (docs/design.md, "Ready
   * means booted"), both within {@code timeout}. The agent answers early in the boot; a call that
   * loses it (the agent restarted meanwhile) waits for it again and asks again.
   */
  private void awaitReady(String name, RunningVm booting, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RunningVm r = booting;
    while (true) {
      r = awaitAgent(name, r, deadline, timeout);
      Duration left = Duration.ofNanos(deadline - System.nanoTime());
      if (left.isNegative() || left.isZero()) {
        throw bootNotFinished(name, timeout, "no time was left to ask");
      }
      try {
        r.bootFinished(GuestBoot.warnings(r.agent.awaitBoot(left)));
        return;
      } catch (RaidvmException e) {
        if (e.kind() == RaidvmException.Kind.DEADLINE_EXCEEDED
            || System.nanoTime() - deadline >= 0) {
          throw bootNotFinished(name, timeout, e.getMessage());
        }
        LOG.fine(() -> "VM " + name + ": asking again whether the boot has finished: "
            + e.getMessage());
        sleep(name);
      }
    }
  }

  private RaidvmException bootNotFinished(String name, Duration timeout, String why) {
    VmPaths paths = store.paths(name);
    return RaidvmException.unavailable("VM '%s' runs and its agent answers, but its boot did"
        + " not finish within %d s (%s). Last lines of %s:%n%s", name, timeout.toSeconds(), why,
        paths.consoleLog(), ConsoleLog.tail(paths.consoleLog(), CONSOLE_TAIL_LINES));
  }

  /**
   * Waits until the agent of the VM's QEMU answers, and returns that QEMU's handles: when the
   * guest resets meanwhile under TCG (it rebooted, or its kernel panicked and reset itself,
   * "panic=" in the image's kernel command line), the QEMU that the controller starts in the
   * place of {@code booting} ({@link QemuCommandLine#COLD_REBOOT}).
   */
  private RunningVm awaitAgent(String name, RunningVm booting, long deadline, Duration timeout) {
    VmPaths paths = store.paths(name);
    RunningVm r = booting;
    while (!r.agent.status().connected()) {
      if (!r.process.isAlive() && r.coldReboot && r.state() != VmState.STOPPING) {
        long ended = r.process.pid();
        RunningVm next = awaitRestart(name, r, deadline, timeout);
        LOG.info(() -> "VM " + name + ": its guest reset (QEMU pid " + ended + " ended);"
            + " waiting for the agent under the QEMU started in its place, pid "
            + next.process.pid());
        r = next;
        continue;
      }
      if (!r.process.isAlive()) {
        Optional<String> end = endOf(name);
        if (end.isPresent()) {
          throw RaidvmException.unavailable("%s (before its agent answered)", end.get());
        }
        throw RaidvmException.unavailable("QEMU of VM '%s' ended before its agent answered."
            + " Last lines of %s:%n%s", name, paths.consoleLog(),
            ConsoleLog.tail(paths.consoleLog(), CONSOLE_TAIL_LINES));
      }
      if (r.state() == VmState.STOPPING) {
        throw RaidvmException.unavailable("VM '%s' is being stopped", name);
      }
      if (System.nanoTime() - deadline >= 0) {
        r.markReadyDeadlinePassed();
        String lastError = r.agent.status().lastError();
        throw RaidvmException.unavailable("VM '%s' runs, but its agent did not answer within %d s"
            + "%s. Last lines of %s:%n%s", name, timeout.toSeconds(),
            lastError.isEmpty() ? "" : " (last error: " + lastError + ")", paths.consoleLog(),
            ConsoleLog.tail(paths.consoleLog(), CONSOLE_TAIL_LINES));
      }
      sleep(name);
    }
    return r;
  }

  /** The spec's data disks, each validated and found, in order. */
  private List<DataDisk> dataDisks(VmSpec spec) {
    Set<String> seen = new HashSet<>();
    List<DataDisk> result = new ArrayList<>();
    for (String disk : spec.getDataDisksList()) {
      Names.require("disk", disk);
      if (!seen.add(disk)) {
        throw RaidvmException.invalidArgument("disk '%s' is listed twice", disk);
      }
      result.add(new DataDisk(disk, disks.existing(disk)));
    }
    return result;
  }

  private Object lock(String name) {
    return locks.computeIfAbsent(name, n -> new Object());
  }
}
