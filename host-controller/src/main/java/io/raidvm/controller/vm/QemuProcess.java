package io.raidvm.controller.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A VM's QEMU process, known by its pid. It counts as alive only while /proc/PID/cmdline names the
 * VM's folder: that survives a controller restart, rejects a recycled pid, and treats a zombie
 * (empty cmdline) as gone.
 */
public record QemuProcess(long pid, Path vmDir) implements StopLadder.Target {

  /** The live QEMU recorded in the VM's pidfile, if there is one. */
  public static Optional<QemuProcess> find(VmPaths paths) {
    String text;
    try {
      text = Files.readString(paths.pidFile(), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(text);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    QemuProcess process = new QemuProcess(pid, paths.dir());
    return process.isAlive() ? Optional.of(process) : Optional.empty();
  }

  public boolean isAlive() {
    return cmdline().stream().anyMatch(arg -> arg.contains(vmDir.toString()));
  }

  /** QEMU's argv as the kernel shows it; empty once it is gone. */
  public List<String> cmdline() {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      if (raw.length == 0) {
        return List.of();
      }
      return Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The value after {@code option} in QEMU's argv, e.g. "-accel" → "tcg". */
  public Optional<String> option(String option) {
    List<String> argv = cmdline();
    int i = argv.indexOf(option);
    return i >= 0 && i + 1 < argv.size() ? Optional.of(argv.get(i + 1)) : Optional.empty();
  }

  public Optional<Instant> startedAt() {
    return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant());
  }

  @Override
  public void terminate() {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
  }

  @Override
  public void kill() {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  /** Waits up to {@code timeout} for the process to end; true when it has. */
  @Override
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (isAlive()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }
}
