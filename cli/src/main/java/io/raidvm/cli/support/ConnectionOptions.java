package io.raidvm.cli.support;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the controller is and how long a call may take. */
public final class ConnectionOptions {

  public static final String DEFAULT_SOCKET = "/var/lib/raidvm/controller.sock";

  @Option(names = "--socket", paramLabel = "PATH",
      description = "Controller socket (default: $RAIDVM_SOCKET or " + DEFAULT_SOCKET + ").")
  Path socket;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "Deadline of each call, in seconds (default: the command's own).")
  Long timeoutSeconds;

  @Option(names = "--stacktrace", hidden = true, description = "Print stack traces of errors.")
  boolean stacktrace;

  public Path socket() {
    if (socket != null) {
      return socket;
    }
    String env = System.getenv("RAIDVM_SOCKET");
    return Path.of(env != null && !env.isEmpty() ? env : DEFAULT_SOCKET);
  }

  /** The deadline: --timeout when given, else the command's default. */
  public Duration timeout(Duration commandDefault) {
    return timeoutSeconds != null ? Duration.ofSeconds(timeoutSeconds) : commandDefault;
  }
}
