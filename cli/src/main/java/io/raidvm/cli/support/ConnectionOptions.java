package io.raidvm.cli.support;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.HostPort;
import io.raidvm.common.grpc.TlsFiles;
import io.raidvm.controller.ControllerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where the controller is and how long a call may take: a remote controller over mutual TLS
 * (--address), else the one on the local socket, else one run inside raidctl itself.
 */
public final class ConnectionOptions {

  /** A remote controller and this client's TLS files. */
  record Remote(HostPort address, TlsFiles tls) {}

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--socket", paramLabel = "PATH",
      description = "Controller socket (default: $RAIDVM_SOCKET or <state-dir>/controller.sock).")
  Path socket;

  @Option(names = "--address", paramLabel = "HOST:PORT",
      description = "A remote controller, over mutual TLS (default: $RAIDVM_ADDRESS); needs"
          + " --tls-cert, --tls-key and --tls-ca.")
  String address;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "This client's certificate, PEM (default: $RAIDVM_TLS_CERT).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "Its private key, PKCS#8 PEM (default: $RAIDVM_TLS_KEY).")
  Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "FILE",
      description = "CA bundle that signed the controller's certificate (default:"
          + " $RAIDVM_TLS_CA).")
  Path tlsCa;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "State of the controller that raidctl runs itself when none answers on the"
          + " socket (default: $RAIDVM_STATE_DIR or " + ControllerOptions.DEFAULT_STATE_DIR
          + ").")
  Path stateDir;

  @Option(names = "--image-dir", paramLabel = "DIR",
      description = "Its guest images (default: $RAIDVM_IMAGE_DIR or <state-dir>/images).")
  Path imageDir;

  @Option(names = "--no-embedded",
      description = "Never run a controller inside raidctl: fail when none answers.")
  boolean noEmbedded;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "Deadline of each call, in seconds (default: the command's own).")
  Long timeoutSeconds;

  @Option(names = "--stacktrace", hidden = true, description = "Print stack traces of errors.")
  boolean stacktrace;

  /**
   * The remote controller that --address (or $RAIDVM_ADDRESS) names, if any.
   *
   * @throws ParameterException when the address or its TLS files are missing or wrong
   */
  Optional<Remote> remote() {
    Optional<String> target = orEnv(address, "RAIDVM_ADDRESS", Function.identity());
    if (target.isEmpty()) {
      if (tlsCert != null || tlsKey != null || tlsCa != null) {
        throw usage("--tls-cert, --tls-key and --tls-ca are for --address, which is not given");
      }
      return Optional.empty();
    }
    Optional<Path> cert = orEnv(tlsCert, "RAIDVM_TLS_CERT", Path::of);
    Optional<Path> key = orEnv(tlsKey, "RAIDVM_TLS_KEY", Path::of);
    Optional<Path> ca = orEnv(tlsCa, "RAIDVM_TLS_CA", Path::of);
    if (cert.isEmpty() || key.isEmpty() || ca.isEmpty()) {
      throw usage("--address " + target.get() + ": TLS is required: give --tls-cert, --tls-key"
          + " and --tls-ca (or $RAIDVM_TLS_CERT, $RAIDVM_TLS_KEY, $RAIDVM_TLS_CA); missing:"
          + (cert.isEmpty() ? " --tls-cert" : "") + (key.isEmpty() ? " --tls-key" : "")
          + (ca.isEmpty() ? " --tls-ca" : ""));
    }
    try {
      return Optional.of(new Remote(HostPort.parse(target.get()),
          new TlsFiles(cert.get(), key.get(), ca.get()).requireReadable()));
    } catch (RaidvmException e) {
      throw usage(e.getMessage());
    }
  }

  /** The local controller's socket. */
  public Path socket() {
    return orEnv(socket, "RAIDVM_SOCKET", Path::of)
        .orElseGet(() -> stateDir().resolve("controller.sock"));
  }

  /** Whether raidctl may run a controller itself when none answers on the socket. */
  boolean embedded() {
    return !noEmbedded;
  }

  /** The state directory of the controller that raidctl runs itself. */
  Path stateDir() {
    return orEnv(stateDir, "RAIDVM_STATE_DIR", Path::of)
        .orElse(Path.of(ControllerOptions.DEFAULT_STATE_DIR)).toAbsolutePath().normalize();
  }

  /** Its guest images. */
  Path imageDir() {
    return orEnv(imageDir, "RAIDVM_IMAGE_DIR", Path::of)
        .orElseGet(() -> stateDir().resolve("images")).toAbsolutePath().normalize();
  }

  /** The deadline: --timeout when given, else the command's default. */
  public Duration timeout(Duration commandDefault) {
    return timeoutSeconds != null ? Duration.ofSeconds(timeoutSeconds) : commandDefault;
  }

  private ParameterException usage(String message) {
    return new ParameterException(command.commandLine(), message);
  }

  /** The flag's value, else the environment variable's when set and not empty. */
  private static <T> Optional<T> orEnv(T flag, String env, Function<String, T> parse) {
    if (flag != null) {
      return Optional.of(flag);
    }
    String value = System.getenv(env);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(parse.apply(value));
  }
}
