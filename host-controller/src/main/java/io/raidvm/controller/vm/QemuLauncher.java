package io.raidvm.controller.vm;

import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.common.error.Messages;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import io.raidvm.controller.qmp.QmpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Launches a VM's QEMU, trying the CPU models of the accelerator choice in turn.
 *
 * <p>QEMU does not daemonize itself (its seccomp filter would then have to allow fork and
 * setsid, see {@link QemuCommandLine#SANDBOX}): the controller starts it detached, in a session of
 * its own with its output in {@link VmPaths#qemuLog}, and waits until it has set the machine up —
 * its QMP monitor answers a command, which QEMU does only from its main loop — or has ended.
 */
public final class QemuLauncher {

  private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(60);
  /** A CPU model the host cannot run may only fail once the vCPUs start, after set-up. */
  private static final Duration SETTLE = Duration.ofSeconds(1);
  private static final Duration POLL = Duration.ofMillis(100);

  private final CommandRunner runner;

  public QemuLauncher(CommandRunner runner) {
    this.runner = runner;
  }

  /**
   * What was launched: the VM's QEMU, and the same as this controller's child process, which
   * tells QEMU's exit status while this controller runs.
   */
  public record Launched(QemuProcess process, Process child, String cpu) {}

  public Launched launch(VmSpec spec, VmPaths paths, List<DataDisk> dataDisks,
      AccelChoice choice) {
    List<String> failures = new ArrayList<>();
    for (String cpu : choice.cpuCandidates()) {
      removeStaleFiles(paths);
      Process qemu = runner.startDetached(new Command(
          QemuCommandLine.build(spec, paths, dataDisks, choice.accel(), cpu), LAUNCH_TIMEOUT,
          null), paths.qemuLog());
      String failure = awaitSetUp(qemu, paths);
      if (failure == null) {
        return new Launched(new QemuProcess(qemu.pid(), paths.dir()), qemu, cpu);
      }
      failures.add(String.format("-accel %s -cpu %s: %s", choice.accel(), cpu, failure));
    }
    throw RaidvmException.failedPrecondition("QEMU did not start VM '%s': %s", spec.getName(),
        String.join("; ", failures));
  }

  /** Null once QEMU has set the machine up and still runs {@link #SETTLE} later; else why not. */
  private static String awaitSetUp(Process qemu, VmPaths paths) {
    long deadline = System.nanoTime() + LAUNCH_TIMEOUT.toNanos();
    try {
      while (!answersQmp(paths)) {
        if (qemu.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
          return ended(qemu, paths);
        }
        if (System.nanoTime() - deadline >= 0) {
          qemu.destroyForcibly().waitFor();
          return "QEMU did not set the machine up within " + LAUNCH_TIMEOUT.toSeconds()
              + " s and was killed: " + output(paths);
        }
      }
      if (qemu.waitFor(SETTLE.toMillis(), TimeUnit.MILLISECONDS)) {
        return "QEMU exited right after it started: " + ended(qemu, paths);
      }
      return null;
    } catch (InterruptedException e) {
      qemu.destroyForcibly();
      throw RaidvmException.interrupted("starting QEMU", e);
    }
  }

  /** Whether QEMU's main loop answers on its QMP socket (QEMU takes one client at a time). */
  private static boolean answersQmp(VmPaths paths) {
    if (!Files.exists(paths.qmpSocket())) {
      return false;
    }
    try (QmpClient probe = QmpClient.connect(paths.qmpSocket())) {
      return true;
    } catch (RaidvmException e) {
      return false;
    }
  }

  private static String ended(Process qemu, VmPaths paths) {
    return "exit " + qemu.exitValue() + ": " + output(paths);
  }

  /** The last lines QEMU printed. */
  private static String output(VmPaths paths) {
    try {
      String text = Files.readString(paths.qemuLog(), StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? "(it printed nothing)"
          : Messages.lastLines(text, Messages.TOOL_LINES);
    } catch (IOException e) {
      return "(its output " + paths.qemuLog() + " cannot be read: " + e.getMessage() + ")";
    }
  }

  /**
   * Sockets, pidfile and output left by a QEMU that is gone would stop the next one binding (or
   * mix into its output). Those of a QEMU that still runs are never touched: FAILED_PRECONDITION
   * naming its pid.
   */
  private static void removeStaleFiles(VmPaths paths) {
    QemuProcess live = QemuProcess.find(paths).orElse(null);
    if (live != null) {
      throw RaidvmException.failedPrecondition("QEMU (pid %d) still runs from %s: its files stay,"
          + " and no second QEMU starts there", live.pid(), paths.dir());
    }
    for (Path p : List.of(paths.qmpSocket(), paths.agentSocket(), paths.pidFile(),
        paths.qemuLog())) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        throw RaidvmException.internal("cannot remove " + p + ": " + e.getMessage(), e);
      }
    }
  }
}
