package io.raidvm.controller;

import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.ServerServiceDefinition;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.TlsTcpServer;
import io.raidvm.common.grpc.UnixSocketServer;
import io.raidvm.common.process.CommandRunner;
import io.raidvm.common.process.ProcessRunner;
import io.raidvm.controller.access.AuditGrpcService;
import io.raidvm.controller.access.AuditLog;
import io.raidvm.controller.access.Callers;
import io.raidvm.controller.access.ControllerChain;
import io.raidvm.controller.access.RolesFile;
import io.raidvm.controller.access.SocketRoles;
import io.raidvm.controller.access.UnixAccounts;
import io.raidvm.controller.agent.AgentLink;
import io.raidvm.controller.agent.AgentLinks;
import io.raidvm.controller.agent.AgentProxy;
import io.raidvm.controller.agent.AgentUpgrader;
import io.raidvm.controller.agent.VmAgentRouter;
import io.raidvm.controller.alert.AlertGrpcService;
import io.raidvm.controller.alert.AlertTargets;
import io.raidvm.controller.alert.Alerter;
import io.raidvm.controller.disk.DiskFolder;
import io.raidvm.controller.disk.DiskGrpcService;
import io.raidvm.controller.disk.DiskManager;
import io.raidvm.controller.disk.FreeSpace;
import io.raidvm.controller.disk.QemuImg;
import io.raidvm.controller.drill.DrillGrpcService;
import io.raidvm.controller.drill.Driller;
import io.raidvm.controller.events.VmEventHubs;
import io.raidvm.controller.fault.DiskCorruptor;
import io.raidvm.controller.fault.QemuIo;
import io.raidvm.controller.image.AgentJar;
import io.raidvm.controller.image.ImageGrpcService;
import io.raidvm.controller.image.ImageManager;
import io.raidvm.controller.metrics.ControllerMetrics;
import io.raidvm.controller.provision.ProvisionGrpcService;
import io.raidvm.controller.provision.Provisioner;
import io.raidvm.controller.scrub.AgentScrubGuest;
import io.raidvm.controller.scrub.ScrubGrpcService;
import io.raidvm.controller.scrub.Scrubber;
import io.raidvm.controller.vm.AccelProbe;
import io.raidvm.controller.vm.OsDiskBackings;
import io.raidvm.controller.vm.QemuLauncher;
import io.raidvm.controller.vm.MemberCorruption;
import io.raidvm.controller.vm.VmGrpcService;
import io.raidvm.controller.vm.VmManager;
import io.raidvm.controller.vm.VmStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The host controller process: disks, images and VMs on a gRPC Unix socket, plus the agent
 * services of every VM; the same services on TCP with mutual TLS when asked for. Stopping it
 * leaves the VMs running; the next start re-attaches to them.
 */
public final class HostControllerServer {

  private static final Logger LOG = Logger.getLogger(HostControllerServer.class.getName());
  private static final Path ETC = Path.of("/etc");
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  /** Clients may ping this often to keep their connection alive. */
  private static final Duration PERMIT_KEEPALIVE = Duration.ofSeconds(10);

  private final ControllerOptions options;
  private final VmManager vms;
  private final DiskManager disks;
  private final ImageManager images;
  private final Scrubber scrubber;
  private final Alerter alerter;
  private final UnixSocketServer server;
  private final Optional<TlsTcpServer> tcpServer;
  private final ControllerMetrics metrics;
  /**
   * How often console logs are checked for rotation: a serial console at 115200 baud writes
   * about 11 KiB/s, so a log exceeds its limit by at most a few hundred KiB.
   */
  private static final Duration ROTATE_EVERY = Duration.ofSeconds(30);
  /** How often scrub schedules are looked at: a scrub starts at most this late. */
  private static final Duration SCRUB_TICK = Duration.ofSeconds(5);

  private final ScheduledExecutorService housekeeping =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "housekeeping");
        t.setDaemon(true);
        return t;
      });
  private final ExecutorService scrubWorkers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "scrub");
    t.setDaemon(true);
    return t;
  });
  private final Thread alertDelivery = new Thread(this::deliverAlerts, "alert-delivery");
  private final ExecutorService eventDelivery = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "event-delivery");
    t.setDaemon(true);
    return t;
  });

  public HostControllerServer(ControllerOptions options) {
    this.options = options;
    CommandRunner runner = new ProcessRunner();
    QemuImg qemuImg = new QemuImg(runner);
    DiskFolder disks = new DiskFolder(options.stateDir());
    VmStore vmStore = new VmStore(options.stateDir());
    AgentJar agentJar = AgentJar.bundled();
    ImageManager images = new ImageManager(options.imageDir(), runner, Path.of("/etc/apt"),
        agentJar, new OsDiskBackings(vmStore, qemuImg));
    this.images = images;
    VmEventHubs events = new VmEventHubs(VmEventHubs.KEPT_EVENTS, eventDelivery);
    AuditLog auditLog = new AuditLog(options.stateDir());
    AgentLinks agentLinks = new AgentLinks(events, auditLog);
    this.vms = new VmManager(vmStore, disks, images::resolve, qemuImg, new QemuLauncher(runner),
        AccelProbe.ofHost(), agentLinks, events);
    DiskManager diskManager = new DiskManager(disks, qemuImg, vms, FreeSpace.ofHost());
    this.disks = diskManager;
    Function<String, Channel> agentChannel = vm -> agentLinks.get(vm).orElseThrow(() ->
        RaidvmException.unavailable("VM %s has no agent connection: is it running?", vm))
        .channel();
    this.alerter = new Alerter(options.stateDir(), new AlertTargets(runner), Clock.systemUTC());
    events.tap(alerter);
    this.scrubber = new Scrubber(vmStore, new AgentScrubGuest(agentChannel),
        vm -> vms.get(vm).state(), vm -> events.hub(vm).arrayNames(), Clock.systemUTC(),
        ZoneId.systemDefault(), scrubWorkers);
    DiskCorruptor corruptor = new DiskCorruptor(new QemuIo(runner));
    AgentUpgrader upgrader = new AgentUpgrader(agentChannel, vm -> vms.get(vm).state(),
        agentJar, AgentUpgrader.RESTART_TIMEOUT);
    Provisioner provisioner = new Provisioner(diskManager, images, vms, agentChannel, upgrader,
        Duration.ZERO);
    List<ServerServiceDefinition> services = new ArrayList<>(Stream.of(
            (BindableService) new DiskGrpcService(diskManager),
            new VmGrpcService(vms, events, corruptor, upgrader),
            new ImageGrpcService(images),
            new ProvisionGrpcService(provisioner),
            new DrillGrpcService(new Driller(vms, diskManager, events,
                new MemberCorruption(vms, corruptor), agentChannel)),
            new AuditGrpcService(auditLog, agentLinks),
            new ControllerGrpcService(() -> vms.list().vms()),
            new ScrubGrpcService(scrubber),
            new AlertGrpcService(alerter))
        .map(BindableService::bindService)
        .toList());
    services.addAll(AgentProxy.forAgent(new VmAgentRouter(vms, agentLinks)));
    this.metrics = new ControllerMetrics(() -> vms.list().vms(),
        vm -> agentLinks.get(vm).map(AgentLink::channel), Instant::now, scrubber::lastRuns);
    ControllerChain chain = new ControllerChain(callers(options.access()), auditLog,
        Clock.systemUTC(), metrics.rpcs());
    services.replaceAll(chain::around);
    this.server = new UnixSocketServer(options.socket(), services, PERMIT_KEEPALIVE);
    this.tcpServer = options.tcp().map(tcp -> new TlsTcpServer(tcp.address(), tcp.tls(),
        services, PERMIT_KEEPALIVE));
  }

  /**
   * Who gets which role.
   *
   * @throws RaidvmException INVALID_ARGUMENT for a roles file that cannot be read or parsed,
   *     or a group that does not exist
   */
  private static Callers callers(ControllerOptions.Access access) {
    RolesFile roles = access.roles().map(RolesFile::read).orElseGet(RolesFile::empty);
    Supplier<UnixAccounts> accounts = () -> UnixAccounts.read(ETC);
    UnixAccounts now = accounts.get();
    SocketRoles socket = new SocketRoles(
        access.operatorGroup().map(g -> OptionalInt.of(now.groupId(g)))
            .orElse(OptionalInt.empty()),
        access.viewerGroup().map(g -> OptionalInt.of(now.groupId(g)))
            .orElse(OptionalInt.empty()),
        accounts);
    return Callers.ofTransport(roles, socket);
  }

  /** The group that may reach the socket besides root: the viewer group, else the operator's. */
  private Optional<String> socketGroup() {
    return options.access().viewerGroup().or(() -> options.access().operatorGroup());
  }

  /**
   * Creates the state directory (0700), takes the socket (and the TCP port), re-attaches to
   * running VMs (skipping, with a warning, what under vms/ is not one), removes the partial
   * files of disk creations a crash cut short, cleans up after image builds whose process died
   * (their mounts, loop devices and build folders, logging each), then takes calls, and serves
   * the metrics when asked to (after the re-attach: a scrape does not wait for it). When it
   * fails, {@link #stop} releases what it took.
   *
   * @throws io.raidvm.common.error.RaidvmException ALREADY_EXISTS when another controller
   *     answers on the socket; this one then touches neither that socket nor any VM
   */
  public void start() throws IOException {
    Path state = options.stateDir();
    Files.createDirectories(state);
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
    vms.holdCallsUntilReattached();
    server.start();
    if (socketGroup().isPresent()) {
      Path socket = options.socket();
      Files.setAttribute(socket, "posix:group", socket.getFileSystem()
          .getUserPrincipalLookupService().lookupPrincipalByGroupName(socketGroup().get()));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
    }
    if (tcpServer.isPresent()) {
      tcpServer.get().start();
    }
    vms.reattachAll();
    disks.removeLeftovers();
    images.cleanDeadBuilds();
    if (options.metrics().isPresent()) {
      metrics.serve(options.metrics().get());
    }
    housekeeping.scheduleWithFixedDelay(this::rotateConsoleLogs, 0, ROTATE_EVERY.toSeconds(),
        TimeUnit.SECONDS);
    scrubber.resumeRunning();
    housekeeping.scheduleWithFixedDelay(this::scrubTick, SCRUB_TICK.toSeconds(),
        SCRUB_TICK.toSeconds(), TimeUnit.SECONDS);
    alertDelivery.setDaemon(true);
    alertDelivery.start();
    LOG.info(() -> "raidvm controller listening on " + options.socket()
        + tcpServer.map(tcp -> " and on TCP " + tcp.address() + " (mutual TLS)").orElse("")
        + " (state " + state + ", images " + options.imageDir() + ")");
  }

  /** Stops taking calls and lets go of the VMs, which keep running. */
  public void stop() {
    try {
      server.stop(STOP_GRACE);
      if (tcpServer.isPresent()) {
        tcpServer.get().stop(STOP_GRACE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    housekeeping.shutdownNow();
    metrics.stop();
    alertDelivery.interrupt();
    scrubWorkers.shutdownNow();
    vms.detachAll();
    eventDelivery.shutdownNow();
  }

  /** A failure is logged, not thrown: a thrown one would end the periodic task. */
  private void rotateConsoleLogs() {
    try {
      vms.rotateConsoleLogs();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot rotate console logs", e);
    }
  }

  private void scrubTick() {
    try {
      scrubber.tick();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot look at scrub schedules", e);
    }
  }

  /** Delivers alerts as they come and retries as they fall due, until the controller stops. */
  private void deliverAlerts() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        alerter.deliverDue();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "alert delivery", e);
      }
      try {
        alerter.awaitWork(Duration.ofMinutes(1));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  public void blockUntilShutdown() throws InterruptedException {
    server.awaitTermination();
  }
}
