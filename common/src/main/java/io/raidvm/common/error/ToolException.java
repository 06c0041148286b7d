package io.raidvm.common.error;

import java.util.List;

/** An external tool (qemu-img, mdadm, ...) failed. Carries what a person needs to act on it. */
public final class ToolException extends RaidvmException {

  private final List<String> argv;
  private final int exitCode;
  private final String stderr;

  public ToolException(Kind kind, List<String> argv, int exitCode, String stderr) {
    super(kind, describe(argv, exitCode, stderr));
    this.argv = List.copyOf(argv);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }

  public String tool() {
    return argv.get(0);
  }

  public List<String> argv() {
    return argv;
  }

  public int exitCode() {
    return exitCode;
  }

  public String stderr() {
    return stderr;
  }

  private static String describe(List<String> argv, int exitCode, String stderr) {
    String detail = stderr == null || stderr.isBlank() ? "no output on stderr"
        : Messages.lastLines(stderr, Messages.TOOL_LINES);
    return String.format("%s failed (exit %d): %s [command: %s]",
        argv.get(0), exitCode, detail, String.join(" ", argv));
  }
}
