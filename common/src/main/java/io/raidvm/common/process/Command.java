package io.raidvm.common.process;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One invocation of an external program: an argument vector (never a shell string), a timeout,
 * optional bytes for its standard input (none by default: nothing may wait on a prompt),
 * variables added to the environment it inherits (an alert program's event, say) and whether it
 * runs with {@linkplain #withFixedAddresses() fixed addresses}.
 */
public record Command(List<String> argv, Duration timeout, byte[] stdin, Map<String, String> env,
    boolean fixedAddresses) {

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
    this(argv, timeout, stdin, Map.of(), false);
  }

  public static Command of(String... argv) {
    return new Command(List.of(argv), DEFAULT_TIMEOUT, null);
  }

  public static Command of(List<String> argv) {
    return new Command(argv, DEFAULT_TIMEOUT, null);
  }

  public Command withTimeout(Duration newTimeout) {
    return new Command(argv, newTimeout, stdin, env, fixedAddresses);
  }

  public Command withStdin(byte[] input) {
    return new Command(argv, timeout, input, env, fixedAddresses);
  }

  /** The same command with these variables added to its environment. */
  public Command withEnv(Map<String, String> variables) {
    return new Command(argv, timeout, stdin, variables, fixedAddresses);
  }

  /**
   * The same command run without address-space randomization, for it and every process it starts
   * ({@code setarch --addr-no-randomize}, a personality flag children inherit). Under software
   * emulation QEMU keeps the code it translated by virtual address, so a process whose libraries
   * sit where the last one's did starts about four times faster (docs/design.md, "Guest boot").
   * Only for trees of many short processes over local files, such as update-initramfs: a program
   * that parses what a disk holds keeps its randomized layout.
   */
  public Command withFixedAddresses() {
    return new Command(argv, timeout, stdin, env, true);
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
