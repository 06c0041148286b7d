package io.raidvm.controller.vm;

import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.common.error.Messages;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Launches a VM's QEMU, trying the CPU models of the accelerator choice in turn. */
public final class QemuLauncher {

  private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(60);
  /** A CPU model the host cannot run may only fail once the vCPUs start, after daemonizing. */
  private static final Duration SETTLE = Duration.ofSeconds(1);

  private final CommandRunner runner;

  public QemuLauncher(CommandRunner runner) {
    this.runner = runner;
  }

  /** What was launched. */
  public record Launched(QemuProcess process, String cpu) {}

  public Launched launch(VmSpec spec, VmPaths paths, List<DataDisk> dataDisks,
      AccelChoice choice) {
    List<String> failures = new ArrayList<>();
    for (String cpu : choice.cpuCandidates()) {
      removeStaleFiles(paths);
      CommandResult result = runner.run(new Command(
          QemuCommandLine.build(spec, paths, dataDisks, choice.accel(), cpu), LAUNCH_TIMEOUT,
          null));
      if (!result.succeeded()) {
        failures.add(String.format("-accel %s -cpu %s: exit %d: %s", choice.accel(), cpu,
            result.exitCode(), Messages.lastLines(result.stderr(), Messages.TOOL_LINES)));
        continue;
      }
      QemuProcess process = QemuProcess.find(paths).orElse(null);
      if (process != null && settled(process)) {
        return new Launched(process, cpu);
      }
      failures.add(String.format("-accel %s -cpu %s: QEMU exited right after it started",
          choice.accel(), cpu));
    }
    throw RaidvmException.failedPrecondition("QEMU did not start VM '%s': %s", spec.getName(),
        String.join("; ", failures));
  }

  private static boolean settled(QemuProcess process) {
    try {
      return !process.awaitExit(SETTLE);
    } catch (InterruptedException e) {
      throw RaidvmException.interrupted("starting QEMU", e);
    }
  }

  /**
   * Sockets and a pidfile left by a QEMU that is gone would stop the next one binding. Those of a
   * QEMU that still runs are never touched: FAILED_PRECONDITION naming its pid.
   */
  private static void removeStaleFiles(VmPaths paths) {
    QemuProcess live = QemuProcess.find(paths).orElse(null);
    if (live != null) {
      throw RaidvmException.failedPrecondition("QEMU (pid %d) still runs from %s: its files stay,"
          + " and no second QEMU starts there", live.pid(), paths.dir());
    }
    for (Path p : List.of(paths.qmpSocket(), paths.agentSocket(), paths.pidFile())) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        throw RaidvmException.internal("cannot remove " + p + ": " + e.getMessage(), e);
      }
    }
  }
}
