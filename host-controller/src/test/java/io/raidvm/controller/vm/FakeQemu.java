package io.raidvm.controller.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A process that passes for a VM's QEMU: {@link QemuProcess} knows QEMU by its pidfile and by
 * /proc/PID/cmdline naming the VM's folder, and {@code tail -f <folder>/console.log} does both.
 * It runs until {@link #kill}.
 */
final class FakeQemu implements AutoCloseable {

  private final Process process;

  private FakeQemu(Process process) {
    this.process = process;
  }

  /** Starts it for the VM in {@code paths} and writes its pid to the VM's pidfile. */
  static FakeQemu start(VmPaths paths) throws IOException {
    return start(paths, List.of("tail", "-f", paths.consoleLog().toString()));
  }

  /** One whose argv has QEMU's {@code -no-reboot}, as the controller runs QEMU under TCG. */
  static FakeQemu startRebootingCold(VmPaths paths) throws IOException {
    return start(paths, List.of("sh", "-c", "while :; do sleep 0.2; done", "fake-qemu",
        paths.consoleLog().toString(), QemuCommandLine.COLD_REBOOT));
  }

  private static FakeQemu start(VmPaths paths, List<String> argv) throws IOException {
    Files.createDirectories(paths.dir());
    if (!Files.exists(paths.consoleLog())) {
      Files.writeString(paths.consoleLog(), "");
    }
    Process p = new ProcessBuilder(argv)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    Files.writeString(paths.pidFile(), p.pid() + "\n");
    return new FakeQemu(p);
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL, and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
