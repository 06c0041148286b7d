package io.raidvm.e2e;

import io.grpc.ManagedChannel;
import io.raidvm.api.controller.v1.StopVmRequest;
import io.raidvm.common.grpc.UnixSocketChannels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real controller, run as its own process by bin/raidvm-controller (the checkout's jar, the
 * JVM options of the service unit), as a user would run it.
 */
final class ControllerProcess implements AutoCloseable {

  private final Path stateDir;
  private final Path imageDir;
  private final Path log;
  private Process process;

  ControllerProcess(Path stateDir, Path imageDir) {
    this.stateDir = stateDir;
    this.imageDir = imageDir;
    this.log = stateDir.resolve("controller.log");
  }

  Path stateDir() {
    return stateDir;
  }

  Path socket() {
    return stateDir.resolve("controller.sock");
  }

  ControllerProcess start() throws IOException, InterruptedException {
    return start(List.of());
  }

  /** Starts the controller jar with {@code more} options after the state and image dirs. */
  ControllerProcess start(List<String> more) throws IOException, InterruptedException {
    Files.deleteIfExists(socket());
    String launcher = System.getProperty("raidvm.controller.launcher");
    List<String> argv = new java.util.ArrayList<>(List.of(launcher, "--state-dir",
        stateDir.toString(), "--image-dir", imageDir.toString()));
    argv.addAll(more);
    process = new ProcessBuilder(argv)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.exists(socket())) {
      if (!process.isAlive()) {
        throw new IllegalStateException("controller exited with " + process.exitValue()
            + "; its log:\n" + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("controller socket did not appear; log:\n"
            + Files.readString(log));
      }
      Thread.sleep(100);
    }
    return this;
  }

  ManagedChannel channel() {
    return UnixSocketChannels.open(socket(), Duration.ZERO);
  }

  /**
   * Stops a VM through this controller, best effort: a test's clean-up, whatever failed before
   * (a failure to stop is printed, not thrown, so that it hides no assertion).
   */
  void stopVm(String vm) {
    ManagedChannel channel = channel();
    try {
      new Stubs(channel).vms().withDeadlineAfter(5, TimeUnit.MINUTES)
          .stopVm(StopVmRequest.newBuilder().setName(vm).build());
    } catch (RuntimeException e) {
      System.out.println("stopping VM " + vm + ": " + e.getMessage());
    } finally {
      channel.shutdownNow();
    }
  }

  /** Stops the controller the way systemd would (SIGTERM), leaving its VMs running. */
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** Kills the controller at once (SIGKILL), as a crash or the OOM killer would. */
  void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
  }

  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
