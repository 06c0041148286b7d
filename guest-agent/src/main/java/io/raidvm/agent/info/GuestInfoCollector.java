package io.raidvm.agent.info;

import com.google.protobuf.util.Timestamps;
import io.raidvm.api.agent.v1.AgentProcess;
import io.raidvm.api.agent.v1.GuestInfo;
import io.raidvm.api.agent.v1.ToolVersion;
import io.raidvm.common.OsRelease;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.CommandRunner;
import io.raidvm.common.process.ProcessFigures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Gathers the facts GetInfo answers with: OS, kernel, hardware, tool versions, the agent. */
public final class GuestInfoCollector {

  private static final Logger LOG = Logger.getLogger(GuestInfoCollector.class.getName());

  private final CommandRunner runner;
  private final Supplier<HardwareFacts> hardware;
  private final Path root;
  private final Supplier<AgentProcess> agent;
  private List<ToolVersion> tools;
  /** The running kernel's release: it cannot change while this process runs. */
  private String kernelRelease;
  /** os-release's last text and what it says: parsed again only when the text changed. */
  private String osReleaseText;
  private OsRelease osRelease = OsRelease.UNKNOWN;

  /**
   * @param root "/" in the guest; tests pass a directory holding {@code etc/os-release} and
   *     {@code proc/sys/kernel/{hostname,osrelease}}
   * @param agent this process as it is at each call, see {@link #thisProcess()}
   */
  public GuestInfoCollector(CommandRunner runner, Supplier<HardwareFacts> hardware, Path root,
      Supplier<AgentProcess> agent) {
    this.runner = runner;
    this.hardware = hardware;
    this.root = root;
    this.agent = agent;
  }

  public GuestInfo collect() {
    HardwareFacts facts = hardware.get();
    OsRelease os = osRelease();
    GuestInfo.Builder info = GuestInfo.newBuilder()
        .setHostname(firstLine("proc/sys/kernel/hostname"))
        .setKernelRelease(kernelRelease())
        .setOsPrettyName(os.prettyName())
        .setOsId(os.id())
        .setOsVersionId(os.versionId())
        .setCpuModel(facts.cpuModel())
        .setLogicalCpus(facts.logicalCpus())
        .setMemoryTotalBytes(facts.memoryTotalBytes())
        .setMemoryAvailableBytes(facts.memoryAvailableBytes())
        .setUptimeSeconds(facts.uptimeSeconds())
        .setAgent(agent.get())
        .addAllTools(tools());
    return info.build();
  }

  /**
   * The tools' versions, asked once per agent process: they change only when a package is
   * upgraded, and asking starts a process per tool (100–150 ms each in a TCG guest). The agent
   * asks at start ({@link #warmUp}); a call that comes first waits for that answer. A failure is
   * not kept: the next call asks again.
   */
  public synchronized List<ToolVersion> tools() {
    if (tools == null) {
      tools = Arrays.stream(Tool.values()).map(this::version).toList();
    }
    return tools;
  }

  /** Asks the tools' versions on a thread of its own, so that the first GetInfo finds them. */
  public void warmUp() {
    Thread thread = new Thread(() -> {
      try {
        tools();
      } catch (RaidvmException e) {
        LOG.log(Level.WARNING, "cannot read the tools' versions; GetInfo asks again", e);
      }
    }, "tool-versions");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The running agent: version from the jar's manifest, pid, start time, Java version, and what
   * it costs: CPU time used so far (user + system), resident memory and threads.
   */
  public static AgentProcess thisProcess() {
    ProcessFigures figures = ProcessFigures.current();
    return AgentProcess.newBuilder()
        .setVersion(ProcessFigures.version(GuestInfoCollector.class))
        .setPid(figures.pid())
        .setStartedAt(Timestamps.fromMillis(figures.startedAt().toEpochMilli()))
        .setJavaVersion(figures.javaVersion())
        .setCpuMillis(figures.cpuMillis())
        .setRssBytes(figures.rssBytes())
        .setThreads(figures.threads())
        .build();
  }

  /** A tool that is not installed has an empty version; any other failure fails GetInfo. */
  private ToolVersion version(Tool tool) {
    try {
      CommandResult result = runner.run(tool.command());
      return tool.parse(result.stdout() + "\n" + result.stderr());
    } catch (RaidvmException e) {
      if (e.kind() != RaidvmException.Kind.FAILED_PRECONDITION) {
        throw e;
      }
      return tool.missing();
    }
  }

  private synchronized OsRelease osRelease() {
    for (String candidate : new String[] {"etc/os-release", "usr/lib/os-release"}) {
      Path file = root.resolve(candidate);
      if (Files.exists(file)) {
        String text = read(file);
        if (!text.equals(osReleaseText)) {
          osRelease = OsRelease.parse(text);
          osReleaseText = text;
        }
        return osRelease;
      }
    }
    return OsRelease.UNKNOWN;
  }

  private synchronized String kernelRelease() {
    if (kernelRelease == null || kernelRelease.isEmpty()) {
      kernelRelease = firstLine("proc/sys/kernel/osrelease");
    }
    return kernelRelease;
  }

  private String firstLine(String relative) {
    return read(root.resolve(relative)).lines().findFirst().orElse("").strip();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
