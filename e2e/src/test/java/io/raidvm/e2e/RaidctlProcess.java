package io.raidvm.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** The real raidctl jar run as its own process, as a person runs it; its output collected. */
final class RaidctlProcess {

  private static final String END = "\u0000end";

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> stdout = new ArrayList<>();
  private final StringBuilder stderr = new StringBuilder();
  private final Thread errReader;
  private Integer exitCode;

  private RaidctlProcess(Process process) {
    this.process = process;
    Thread outReader = new Thread(() -> pump(process.getInputStream(), lines::add,
        () -> lines.add(END)), "raidctl-out");
    errReader = new Thread(() -> pump(process.getErrorStream(), l -> {
      synchronized (stderr) {
        stderr.append(l).append('\n');
      }
    }, () -> { }), "raidctl-err");
    outReader.start();
    errReader.start();
  }

  /** Starts {@code raidctl ARGS --socket SOCKET}. */
  static RaidctlProcess start(Path socket, String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-jar",
        System.getProperty("raidvm.cli.jar")));
    argv.addAll(List.of(args));
    argv.addAll(List.of("--socket", socket.toString()));
    System.out.println("$ raidctl " + String.join(" ", Stream.of(args).toList()));
    return new RaidctlProcess(new ProcessBuilder(argv).start());
  }

  /** Runs raidctl to its end. */
  static RaidctlProcess run(Path socket, String... args) throws Exception {
    RaidctlProcess p = start(socket, args);
    p.exitCode();
    return p;
  }

  /** The next line it prints, or null once it has ended. */
  String nextLine() throws InterruptedException {
    String line = lines.poll(30, TimeUnit.MINUTES);
    if (line == null || line.equals(END)) {
      lines.add(END);
      return null;
    }
    stdout.add(line);
    System.out.println("  | " + line);
    return line;
  }

  int exitCode() throws Exception {
    if (exitCode != null) {
      return exitCode;
    }
    while (nextLine() != null) {
      // collect what is left
    }
    if (!process.waitFor(30, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("raidctl did not end");
    }
    errReader.join();
    if (!stderr().isEmpty()) {
      System.out.print("  stderr: " + stderr());
    }
    exitCode = process.exitValue();
    return exitCode;
  }

  List<String> stdout() {
    return List.copyOf(stdout);
  }

  String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  private static void pump(InputStream in, Consumer<String> sink, Runnable atEnd) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in,
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        sink.accept(line);
      }
    } catch (IOException e) {
      sink.accept("(read failed: " + e.getMessage() + ")");
    } finally {
      atEnd.run();
    }
  }
}
