package io.raidvm.controller.vm;

import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.controller.v1.Accel;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.common.Names;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.controller.disk.DiskFolder;
import io.raidvm.controller.disk.DiskUsage;
import io.raidvm.controller.disk.QemuImg;
import io.raidvm.controller.qmp.QmpClient;
import io.raidvm.controller.qmp.QmpMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The VMs of this host: their specs and folders (through {@link VmStore}) and the QEMU processes
 * that run them. State that must survive the controller lives on disk; a new controller finds
 * running QEMUs again through their pidfiles.
 */
public final class VmManager implements DiskUsage {

  private static final Logger LOG = Logger.getLogger(VmManager.class.getName());
  private static final int CONSOLE_TAIL_LINES = 40;
  private static final Duration READY_POLL = Duration.ofMillis(250);
  private static final Duration AGENT_CALL_TIMEOUT = Duration.ofSeconds(30);

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
  public VmStatus create(VmSpec spec) {
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

  public VmStatus get(String name) {
    return status(store.read(Names.require("VM", name)));
  }

  /** The VMs, and what under {@code vms/} was skipped: not a VM, or its spec unreadable. */
  public record Listing(List<VmStatus> vms, List<String> skipped) {}

  /** Every VM; an entry that is not one, or whose spec cannot be read, is skipped and said so. */
  public Listing list() {
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
   * Launches QEMU and connects to it; unless {@code noWait}, waits until the agent answers.
   *
   * @param readyTimeout zero means the default ({@link VmTimeouts#ready})
   */
  public VmStatus start(String name, boolean noWait, Duration readyTimeout) {
    Names.require("VM", name);
    Duration timeout = VmTimeouts.ready(readyTimeout);
    RunningVm r;
    synchronized (lock(name)) {
      VmSpec spec = store.read(name);
      VmStatus current = status(spec);
      if (isUp(current.state())) {
        throw RaidvmException.failedPrecondition("VM '%s' is already running (state %s, pid %d)",
            name, current.state(), current.pid());
      }
      List<DataDisk> dataDisks = dataDisks(spec);
      AccelChoice choice = accelProbe.choose(spec.getAccel());
      choice.warnings().forEach(w -> LOG.warning(() -> "VM " + name + ": " + w));
      VmPaths paths = store.paths(name);
      QemuLauncher.Launched launched = launcher.launch(spec, paths, dataDisks, choice);
      store.setDesiredRunning(name, true);
      try {
        r = attach(name, paths, launched.process(), choice.accel(), launched.cpu(),
            choice.warnings(), false);
      } catch (RuntimeException e) {
        store.setDesiredRunning(name, false);
        launched.process().kill();
        throw e;
      }
      LOG.info(() -> "VM " + name + " started: pid " + launched.process().pid() + ", -accel "
          + choice.accel() + " -cpu " + launched.cpu());
      events.vmEvent(name, VmEvent.Kind.STARTED, "", "pid " + launched.process().pid());
    }
    if (!noWait) {
      awaitReady(name, r, timeout);
    }
    return get(name);
  }

  /**
   * Powers the VM off (see {@link StopLadder}). A VM that does not run is left as it is, except
   * that a crashed one counts as stopped from now on.
   *
   * @param timeout how long the guest may take; zero means the default ({@link VmTimeouts#stop})
   */
  public VmStatus stop(String name, boolean force, Duration timeout) {
    Names.require("VM", name);
    Duration guestTimeout = VmTimeouts.stop(timeout);
    synchronized (lock(name)) {
      VmSpec spec = store.read(name);
      store.setDesiredRunning(name, false);
      status(spec);
      RunningVm r = running.get(name);
      if (r != null) {
        r.markStopping();
        try {
          String how = StopLadder.stop(name, r, force, guestTimeout);
          LOG.info(() -> "VM " + name + " stopped (" + how + ")");
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
   * again, as a person watching the console would.
   *
   * @param readyTimeout zero means the default ({@link VmTimeouts#ready})
   */
  public VmStatus reboot(String name, Duration readyTimeout) {
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
      r.agent.reboot(AGENT_CALL_TIMEOUT);
    }
    awaitAgentGone(name, r, timeout);
    awaitReady(name, r, timeout);
    LOG.info(() -> "VM " + name + " rebooted");
    return get(name);
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
   * Waits until the agent of a running VM answers, e.g. while a controller that has just
   * re-attached reconnects to it. FAILED_PRECONDITION when the VM does not run.
   *
   * @param readyTimeout zero means the default ({@link VmTimeouts#ready})
   */
  public VmStatus awaitReady(String name, Duration readyTimeout) {
    Names.require("VM", name);
    Duration timeout = VmTimeouts.ready(readyTimeout);
    VmStatus current = get(name);
    RunningVm r = running.get(name);
    if (r == null || !isUp(current.state())) {
      throw RaidvmException.failedPrecondition("VM '%s' is %s: start it first", name,
          current.state());
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
    Names.require("VM", name);
    synchronized (lock(name)) {
      VmStatus current = status(store.read(name));
      if (isUp(current.state())) {
        throw RaidvmException.failedPrecondition("VM '%s' is running (state %s): stop it first",
            name, current.state());
      }
      store.delete(name);
    }
  }

  /** Finds the QEMUs that still run from an earlier controller and connects to them. */
  public void reattachAll() {
    Listing listing = list();
    listing.skipped().forEach(LOG::warning);
    for (VmStatus vm : listing.vms()) {
      LOG.info(() -> "VM " + vm.spec().getName() + ": " + vm.state()
          + (vm.pid() > 0 ? " (pid " + vm.pid() + ")" : ""));
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

  @Override
  public List<String> vmsListing(String disk) {
    return store.names().stream().filter(vm -> listsDisk(vm, disk)).toList();
  }

  @Override
  public List<String> runningVmsListing(String disk) {
    return vmsListing(disk).stream().filter(vm -> isUp(get(vm).state())).toList();
  }

  private boolean listsDisk(String vm, String disk) {
    try {
      return store.read(vm).getDataDisksList().contains(disk);
    } catch (RaidvmException e) {
      return false;
    }
  }

  private static boolean isUp(VmState state) {
    return state != VmState.STOPPED && state != VmState.CRASHED;
  }

  private VmStatus status(VmSpec spec) {
    String name = spec.getName();
    VmPaths paths = store.paths(name);
    RunningVm r = live(name, paths, spec);
    if (r == null) {
      VmState state = store.desiredRunning(name) ? VmState.CRASHED : VmState.STOPPED;
      return new VmStatus(spec, state, AgentStatus.NONE, paths.consoleLog(), 0, "", "",
          paths.osDisk(), List.of(), null);
    }
    return new VmStatus(spec, r.state(), r.agent.status(), paths.consoleLog(), r.process.pid(),
        r.accel, r.cpu, paths.osDisk(), r.warnings, r.startedAt);
  }

  /** The VM's live handles; re-attaches to a QEMU that runs without them (controller restart). */
  private RunningVm live(String name, VmPaths paths, VmSpec spec) {
    RunningVm r = running.get(name);
    if (r != null && r.process.isAlive()) {
      return r;
    }
    synchronized (lock(name)) {
      r = running.get(name);
      if (r != null) {
        if (r.process.isAlive()) {
          return r;
        }
        forget(name, r);
      }
      QemuProcess process = QemuProcess.find(paths).orElse(null);
      if (process == null) {
        return null;
      }
      AccelChoice now = accelProbe.choose(spec.getAccel());
      String accel = process.option("-accel").orElse("");
      try {
        return attach(name, paths, process, accel, process.option("-cpu").orElse(""),
            now.accel().equals(accel) ? now.warnings() : List.of(), true);
      } catch (RaidvmException e) {
        LOG.warning(() -> "VM " + name + ": QEMU runs (pid " + process.pid()
            + ") but cannot be re-attached: " + e.getMessage());
        return null;
      }
    }
  }

  private RunningVm attach(String name, VmPaths paths, QemuProcess process, String accel,
      String cpu, List<String> warnings, boolean reattached) {
    QmpClient qmp = QmpClient.connect(paths.qmpSocket());
    AgentSession agent;
    try {
      agent = agents.open(name, paths);
    } catch (RuntimeException e) {
      qmp.close();
      throw e;
    }
    Instant startedAt = process.startedAt().orElse(Instant.now());
    RunningVm r = new RunningVm(process, qmp, agent, accel, cpu, warnings, startedAt, reattached);
    running.put(name, r);
    qmp.addEventListener(event -> onEvent(name, event));
    qmp.onClose(() -> {
      if (!r.detached()) {
        forget(name, r);
        ended(name, r);
      }
    });
    if (reattached) {
      LOG.info(() -> "VM " + name + ": re-attached to QEMU pid " + process.pid());
    }
    return r;
  }

  /** QEMU went away without {@link #stop}: an orderly guest power-off, or a crash. */
  private void ended(String name, RunningVm r) {
    if (r.state() == VmState.STOPPING) {
      return;
    }
    if (store.desiredRunning(name)) {
      events.vmEvent(name, VmEvent.Kind.CRASHED, "", "QEMU ended without being asked to");
    } else {
      events.vmEvent(name, VmEvent.Kind.STOPPED, "", "the guest powered off");
    }
  }

  private void onEvent(String name, QmpMessage.Event event) {
    LOG.fine(() -> "VM " + name + ": QMP event " + event.name() + " " + event.data());
    if (event.name().equals("SHUTDOWN") && event.data().path("guest").asBoolean()
        && event.data().path("reason").asText().equals("guest-shutdown")) {
      // The guest powered itself off: an orderly end, not a crash.
      store.setDesiredRunning(name, false);
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

  private void awaitReady(String name, RunningVm r, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    VmPaths paths = store.paths(name);
    while (!r.agent.status().connected()) {
      if (!r.process.isAlive()) {
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
