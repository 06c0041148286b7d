package io.raidvm.common.process;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One invocation of an external program: an argument vector (never a shell string), a timeout,
 * optional bytes for its standard input (none by default: nothing may wait on a prompt) and
 * variables added to the environment it inherits (an alert program's event, say).
 */
public record Command(List<String> argv, Duration timeout, byte[] stdin, Map<String, String> env) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("empty argv");
    }
    Objects.requireNonNull(timeout, "timeout");
    stdin = stdin == null ? new byte[0] : stdin.clone();
    env = env == null ? Map.of() : Map.copyOf(env);
  }

  public Command(List<String> argv, Duration timeout, byte[] stdin) {
    this(argv, timeout, stdin, Map.of());
  }

  public static Command of(String... argv) {
    return new Command(List.of(argv), DEFAULT_TIMEOUT, null);
  }

  public static Command of(List<String> argv) {
    return new Command(argv, DEFAULT_TIMEOUT, null);
  }

  public Command withTimeout(Duration newTimeout) {
    return new Command(argv, newTimeout, stdin, env);
  }

  public Command withStdin(byte[] input) {
    return new Command(argv, timeout, input, env);
  }

  /** The same command with these variables added to its environment. */
  public Command withEnv(Map<String, String> variables) {
    return new Command(argv, timeout, stdin, variables);
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
