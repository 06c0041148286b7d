package io.raidvm.common.process;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One invocation of an external program: an argument vector (never a shell string), a timeout and
 * optional bytes for its standard input (none by default: nothing may wait on a prompt).
 */
public record Command(List<String> argv, Duration timeout, byte[] stdin) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("empty argv");
    }
    Objects.requireNonNull(timeout, "timeout");
    stdin = stdin == null ? new byte[0] : stdin.clone();
  }

  public static Command of(String... argv) {
    return new Command(List.of(argv), DEFAULT_TIMEOUT, null);
  }

  public static Command of(List<String> argv) {
    return new Command(argv, DEFAULT_TIMEOUT, null);
  }

  public Command withTimeout(Duration newTimeout) {
    return new Command(argv, newTimeout, stdin);
  }

  public Command withStdin(byte[] input) {
    return new Command(argv, timeout, input);
  }

  public String program() {
    return argv.get(0);
  }

  @Override
  public byte[] stdin() {
    return stdin.clone();
  }

  @Override
  public String toString() {
    return String.join(" ", argv);
  }
}
