package io.raidvm.common.process;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A running process as anyone can check it with {@code ps} or {@code /proc}: pid, start, Java,
 * CPU time used since the start (user + system), resident memory and threads. The agent
 * (GetInfo) and the controller (GetControllerInfo) report their own, so that what they cost
 * while idle can be read from the outside.
 *
 * @param rssBytes {@code VmRSS} of {@code /proc/PID/status}
 * @param threads {@code Threads} of {@code /proc/PID/status}
 */
public record ProcessFigures(long pid, Instant startedAt, String javaVersion, long cpuMillis,
    long rssBytes, int threads) {

  private static final Path SELF_STATUS = Path.of("/proc/self/status");

  /** This JVM, now. */
  public static ProcessFigures current() {
    long cpu = ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis)
        .orElse(0L);
    String status;
    try {
      status = Files.readString(SELF_STATUS);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + SELF_STATUS + ": " + e.getMessage(), e);
    }
    return fromStatus(status, ProcessHandle.current().pid(),
        Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()),
        Runtime.version().toString(), cpu);
  }

  /**
   * With memory and threads from the text of {@code /proc/PID/status} ({@code VmRSS:  94764 kB},
   * {@code Threads: 24}).
   */
  public static ProcessFigures fromStatus(String status, long pid, Instant startedAt,
      String javaVersion, long cpuMillis) {
    long rssKib = -1;
    int threads = -1;
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        rssKib = Long.parseLong(value(line).replace("kB", "").trim());
      } else if (line.startsWith("Threads:")) {
        threads = Integer.parseInt(value(line));
      }
    }
    if (rssKib < 0 || threads < 0) {
      throw RaidvmException.internal("no VmRSS or Threads line in /proc's status text", null);
    }
    return new ProcessFigures(pid, startedAt, javaVersion, cpuMillis, rssKib * 1024, threads);
  }

  /** The jar manifest's Implementation-Version of {@code type}'s jar; "unpackaged" outside one. */
  public static String version(Class<?> type) {
    String version = type.getPackage().getImplementationVersion();
    return version == null ? "unpackaged" : version;
  }

  private static String value(String line) {
    return line.substring(line.indexOf(':') + 1).trim();
  }
}
