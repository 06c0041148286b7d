package io.raidvm.common.process;

import io.raidvm.common.error.RaidvmException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs programs with {@link ProcessBuilder}: argv only, explicit timeout, output captured. */
public final class ProcessRunner implements CommandRunner {

  private static final Duration KILL_GRACE = Duration.ofSeconds(5);
  private static final String SETSID = "setsid";
  private static final List<String> FIXED_ADDRESSES = List.of("setarch", "--addr-no-randomize");

  @Override
  public CommandResult run(Command command, Consumer<String> lines) {
    long started = System.nanoTime();
    Process process;
    try {
      ProcessBuilder builder = new ProcessBuilder(argv(command));
      builder.environment().putAll(command.env());
      process = builder.start();
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot run %s: %s", command.program(),
          e.getMessage());
    }
    OutputCollector out = new OutputCollector(process.getInputStream(), lines, "stdout");
    OutputCollector err = new OutputCollector(process.getErrorStream(), lines, "stderr");
    out.start();
    err.start();
    try {
      writeStdin(process, command.stdin());
      if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw RaidvmException.deadlineExceeded("%s did not finish within %d s and was killed"
            + " [command: %s]; its stderr so far: %s", command.program(),
            command.timeout().toSeconds(), command, err.text().strip());
      }
      out.join();
      err.join();
    } catch (InterruptedException e) {
      kill(process);
      throw RaidvmException.interrupted("running " + command.program(), e);
    }
    return new CommandResult(command.argv(), process.exitValue(), out.text(), err.text(),
        Duration.ofNanos(System.nanoTime() - started));
  }

  @Override
  public Process startDetached(Command command, Path output) {
    requireInstalled(SETSID);
    List<String> argv = new ArrayList<>();
    argv.add(SETSID);
    argv.addAll(argv(command));
    try {
      // setsid(1) calls setsid(2) and execs the program in place (a child of the JVM is never a
      // process group leader, so it does not fork): the pid is the program's.
      return new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot start %s: %s", command.program(),
          e.getMessage());
    }
  }

  /**
   * What to start: the command's argv, behind setarch when it runs with fixed addresses. Fails
   * with the package to install when a program is missing.
   */
  private static List<String> argv(Command command) {
    requireInstalled(command.program());
    if (!command.fixedAddresses()) {
      return command.argv();
    }
    requireInstalled(FIXED_ADDRESSES.get(0));
    List<String> argv = new ArrayList<>(FIXED_ADDRESSES);
    argv.addAll(command.argv());
    return argv;
  }

  /** Fails with the Debian package to install when {@code program} is not on the PATH. */
  public static void requireInstalled(String program) {
    if (program.contains("/")) {
      if (!Files.isExecutable(Path.of(program))) {
        throw missing(program);
      }
      return;
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return;
      }
    }
    for (String dir : new String[] {"/usr/sbin", "/sbin"}) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return;
      }
    }
    throw missing(program);
  }

  private static RaidvmException missing(String program) {
    String name = Path.of(program).getFileName().toString();
    return RaidvmException.failedPrecondition("%s is not installed: install the Debian package %s"
        + " (apt-get install %s)", name, Packages.providing(name), Packages.providing(name));
  }

  private static void writeStdin(Process process, byte[] input) {
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input);
    } catch (IOException e) {
      // The program closed its stdin early; what it did is in its exit code and stderr.
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Drains one output stream on its own thread, keeping the text and passing on each line. */
  private static final class OutputCollector extends Thread {
    private final InputStream in;
    private final Consumer<String> lines;
    private final ByteArrayOutputStream all = new ByteArrayOutputStream();

    OutputCollector(InputStream in, Consumer<String> lines, String name) {
      super("process-" + name);
      setDaemon(true);
      this.in = in;
      this.lines = lines;
    }

    @Override
    public void run() {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          synchronized (all) {
            all.write(buf, 0, n);
          }
          for (int i = 0; i < n; i++) {
            if (buf[i] == '\n' || buf[i] == '\r') {
              emit(line);
            } else {
              line.write(buf[i]);
            }
          }
        }
      } catch (IOException e) {
        // The stream closed under us: the process was killed.
      }
      emit(line);
    }

    private void emit(ByteArrayOutputStream line) {
      if (line.size() > 0) {
        lines.accept(line.toString(StandardCharsets.UTF_8));
        line.reset();
      }
    }

    String text() {
      synchronized (all) {
        return all.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
