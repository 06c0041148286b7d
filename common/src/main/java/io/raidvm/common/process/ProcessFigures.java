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
    return fromStatus(status, Self.PID, Self.STARTED_AT, Self.JAVA_VERSION, cpu);
  }

  /**
   * With memory and threads from the text of {@code /proc/PID/status} ({@code VmRSS:  94764 kB},
   * {@code Threads: 24}).
   */
  public static ProcessFigures fromStatus(String status, long pid, Instant startedAt,
      String javaVersion, long cpuMillis) {
    long rssKib = field(status, "VmRSS:");
    long threads = field(status, "Threads:");
    if (rssKib < 0 || threads < 0) {
      throw RaidvmException.internal("no VmRSS or Threads line in /proc's status text", null);
    }
    return new ProcessFigures(pid, startedAt, javaVersion, cpuMillis, rssKib * 1024,
        (int) threads);
  }

  /** The jar manifest's Implementation-Version of {@code type}'s jar; "unpackaged" outside one. */
  public static String version(Class<?> type) {
    String version = type.getPackage().getImplementationVersion();
    return version == null ? "unpackaged" : version;
  }

  /**
   * The number on the line that starts with {@code name}, a unit after it ignored; -1 when no line
   * does. Finds the line without splitting the text: a status call reads this at each GetInfo,
   * and under software emulation every string made costs.
   */
  private static long field(String status, String name) {
    int afterNewline = status.indexOf("\n" + name);
    int start = status.startsWith(name) ? 0 : afterNewline < 0 ? -1 : afterNewline + 1;
    if (start < 0) {
      return -1;
    }
    int end = status.indexOf('\n', start);
    String value = status.substring(start + name.length(), end < 0 ? status.length() : end).strip();
    int space = value.indexOf(' ');
    return Long.parseLong(space < 0 ? value : value.substring(0, space));
  }

  /** What stays the same for the life of this JVM, asked once. */
  private static final class Self {
    static final long PID = ProcessHandle.current().pid();
    static final Instant STARTED_AT =
        Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    static final String JAVA_VERSION = Runtime.version().toString();
  }
}
