package io.raidvm.agent;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.raidvm.agent.audit.AgentAuditLog;
import io.raidvm.agent.audit.AgentAuditTrail;
import io.raidvm.agent.block.BlockDevices;
import io.raidvm.agent.boot.BootConfig;
import io.raidvm.agent.boot.BootGrpcService;
import io.raidvm.agent.boot.BootTimes;
import io.raidvm.agent.boot.SystemdBoot;
import io.raidvm.agent.boot.Initramfs;
import io.raidvm.agent.data.FilesGrpcService;
import io.raidvm.agent.data.TestFiles;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.disk.DiskBenchmark;
import io.raidvm.agent.disk.DisksGrpcService;
import io.raidvm.agent.disk.Partitioner;
import io.raidvm.agent.events.ArrayChanges;
import io.raidvm.agent.events.EventsGrpcService;
import io.raidvm.agent.events.MdJournal;
import io.raidvm.agent.events.MdPoller;
import io.raidvm.agent.fs.E2fsck;
import io.raidvm.agent.fs.FilesystemGrower;
import io.raidvm.agent.fs.FilesystemsGrpcService;
import io.raidvm.agent.fs.Mkfs;
import io.raidvm.agent.fs.MountTable;
import io.raidvm.agent.fs.Mounter;
import io.raidvm.agent.fs.Usage;
import io.raidvm.agent.info.GuestInfoCollector;
import io.raidvm.agent.info.OshiHardware;
import io.raidvm.agent.md.ArrayGrower;
import io.raidvm.agent.md.ArrayRetirement;
import io.raidvm.agent.md.ArrayStopper;
import io.raidvm.agent.md.MdContext;
import io.raidvm.agent.md.ReshapeGuard;
import io.raidvm.agent.md.RaidGrpcService;
import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.agent.ops.OperationsGrpcService;
import io.raidvm.agent.policy.RpcPolicyGate;
import io.raidvm.agent.power.AgentRestarter;
import io.raidvm.agent.power.SystemPower;
import io.raidvm.agent.transport.VirtioPort;
import io.raidvm.agent.transport.VirtioPortBridge;
import io.raidvm.agent.upgrade.AgentJarInstaller;
import io.raidvm.agent.upgrade.AgentTrial;
import io.raidvm.agent.upgrade.RunningJar;
import io.raidvm.api.agent.v1.AgentProcess;
import io.raidvm.common.grpc.IdempotentCalls;
import io.raidvm.common.grpc.UnixSocketServer;
import io.raidvm.common.process.CommandRunner;
import io.raidvm.common.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The agent process: the gRPC server on a private Unix socket, and the bridge that connects host
 * sessions arriving on the virtio-serial port to it (docs/design.md §4).
 */
public final class GuestAgentServer {

  private static final Logger LOG = Logger.getLogger(GuestAgentServer.class.getName());

  /** The host pings every few seconds while idle; allow that, forbid anything more frequent. */
  static final Duration PERMIT_KEEP_ALIVE = Duration.ofSeconds(10);
  /** How long running calls get to finish when the agent stops. */
  static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final UnixSocketServer server;
  private final VirtioPortBridge bridge;
  private final MdPoller poller;
  private final GuestInfoCollector info;
  private final AgentTrial trial;
  private final AtomicBoolean stopped = new AtomicBoolean();

  GuestAgentServer(AgentOptions options) {
    this(options.port(), options.socket(), new ProcessRunner(), Path.of("/"),
        AgentRestarter.ProcessExit.RUNTIME);
  }

  /**
   * The composition root: {@code root} is "/" in the guest; the server reads sysfs, /proc and
   * /etc below it. One resolver, one guard, one lock registry and one operation registry serve
   * every service, so a lock taken by one call is seen by all the others.
   */
  GuestAgentServer(Path port, Path socket, CommandRunner runner, Path root,
      AgentRestarter.ProcessExit exit) {
    OperationRegistry operations = new OperationRegistry(root.resolve(OperationRegistry.DIR));
    DeviceResolver resolver = new DeviceResolver(root);
    DeviceGuard guard = new DeviceGuard(runner, root);
    DeviceLocks locks = new DeviceLocks();
    Partitioner partitioner = new Partitioner(runner, resolver, guard, locks, root);
    MdContext md = MdContext.of(runner, root, operations, resolver, guard, locks, partitioner);
    MountTable table = new MountTable(root);
    Usage usage = new Usage(resolver, table, root);
    MdJournal journal = new MdJournal();
    AgentAuditLog audit = AgentAuditLog.in(root);
    ArrayChanges.follow(journal, md.identities()::forget);
    this.poller = new MdPoller(root, journal);
    Mounter mounter = new Mounter(runner, resolver, guard, locks, table, usage, root);
    BootConfig bootConfig = new BootConfig(runner, resolver, guard, root);
    Initramfs initramfs = new Initramfs(runner, operations, root);
    BootTimes bootTimes = new BootTimes(root);
    ArrayStopper stopper = new ArrayStopper(md, table, mounter, bootConfig);
    RunningJar jar = new RunningJar(root);
    this.trial = new AgentTrial(jar.path());
    this.info = new GuestInfoCollector(runner, new OshiHardware(), root, () -> {
      AgentProcess.Builder process = GuestInfoCollector.thisProcess().toBuilder()
          .setJarSha256(jar.sha256());
      trial.lastFallback().ifPresent(process::setLastFallback);
      return process.build();
    });
    List<BindableService> services = List.of(
        new GuestAgentGrpcService(info,
            new BlockDevices(runner, root),
            new SystemPower(runner),
            new AgentRestarter(this::stop, exit, AgentRestarter.ANSWER_DELAY), audit,
            new AgentJarInstaller(jar, operations::list, AgentJarInstaller.fallbackUnit(runner),
                Clock.systemUTC()), new ReshapeGuard(md.kernel())),
        new OperationsGrpcService(operations),
        new RaidGrpcService(md,
            new ArrayGrower(md, operations, new FilesystemGrower(runner, table), root), stopper,
            new ArrayRetirement(md, stopper, bootConfig, bootTimes, initramfs)),
        new DisksGrpcService(new DiskBenchmark(runner, resolver, guard), partitioner),
        new FilesystemsGrpcService(new Mkfs(runner, resolver, guard, locks, operations),
            mounter, usage,
            new E2fsck(runner, resolver, guard, locks, table, operations)),
        new BootGrpcService(bootConfig, initramfs, bootTimes,
            new SystemdBoot(runner)),
        new FilesGrpcService(new TestFiles(root, resolver)),
        new EventsGrpcService(journal));
    // The last runs first: the audit trail sees every call that may change something, refused
    // ones too; the guest's policy refuses before a retry's answer is looked up.
    ServerInterceptor[] chain = {new IdempotentCalls(), RpcPolicyGate.of(root),
        new AgentAuditTrail(audit, Clock.systemUTC())};
    this.server = new UnixSocketServer(socket, services.stream()
        .map(service -> ServerInterceptors.intercept(service, chain)).toList(),
        PERMIT_KEEP_ALIVE);
    this.bridge = new VirtioPortBridge(() -> VirtioPort.open(port), socket);
  }

  /**
   * Starts following md, asking the tools' versions (on a thread of their own), the gRPC server,
   * then the bridge that brings host sessions to it. Once the server serves, a trial of this jar
   * is committed (before the bridge: no host call reaches an install before the commit, which
   * would otherwise end the new trial that install begins).
   */
  public GuestAgentServer start() throws IOException {
    poller.start();
    info.warmUp();
    server.start();
    if (trial.commit()) {
      LOG.info("this agent serves: its trial is committed (no fallback)");
    }
    bridge.start();
    LOG.info("raidvm agent serving on " + server.socket());
    return this;
  }

  /**
   * Stops taking calls (running ones get {@link #STOP_GRACE}), then ends the host session and
   * closes the port. Safe to call more than once and from a shutdown hook.
   */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    try {
      server.stop(STOP_GRACE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    bridge.stop();
    try {
      poller.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("raidvm agent stopped");
  }

  public void blockUntilShutdown() throws InterruptedException {
    server.awaitTermination();
  }
}
