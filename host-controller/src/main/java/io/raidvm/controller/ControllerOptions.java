package io.raidvm.controller;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.HostPort;
import io.raidvm.common.grpc.TlsFiles;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The controller's command line: {@code --state-dir}, {@code --image-dir}, {@code --socket}, a
 * TCP listener with mutual TLS when {@code --listen} asks for one, and the Prometheus metrics'
 * HTTP listener when {@code --metrics-listen} does.
 */
public record ControllerOptions(Path stateDir, Path imageDir, Path socket,
    Optional<TcpListener> tcp, Access access, Optional<HostPort> metrics) {

  /**
   * Who gets which role: TLS clients by the roles file ({@code --roles}), socket clients by
   * their groups ({@code --operator-group}, {@code --viewer-group}); root is always admin.
   */
  public record Access(Optional<Path> roles, Optional<String> operatorGroup,
      Optional<String> viewerGroup) {

    /** Only root, on the socket. */
    public static Access rootOnly() {
      return new Access(Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  /** Where to listen on TCP, and this server's TLS files (the CA is the clients'). */
  public record TcpListener(HostPort address, TlsFiles tls) {}

  public static final String DEFAULT_STATE_DIR = "/var/lib/raidvm";
  static final String USAGE = "usage: raidvm-controller [--state-dir DIR] [--image-dir DIR]"
      + " [--socket PATH]\n"
      + "         [--listen HOST:PORT --tls-cert FILE --tls-key FILE --tls-client-ca FILE]\n"
      + "         [--metrics-listen HOST:PORT]\n"
      + "  --state-dir DIR       disks, VMs and the socket live here (default "
      + DEFAULT_STATE_DIR + ")\n"
      + "  --image-dir DIR       guest images (default <state-dir>/images)\n"
      + "  --socket PATH         the controller's gRPC socket (default"
      + " <state-dir>/controller.sock)\n"
      + "  --listen HOST:PORT    also serve on TCP, with mutual TLS only (needs the three below)\n"
      + "  --tls-cert FILE       this server's certificate chain (PEM)\n"
      + "  --tls-key FILE        its private key (PKCS#8 PEM)\n"
      + "  --tls-client-ca FILE  CA bundle (PEM) that client certificates must chain to\n"
      + "  --roles FILE          roles of TLS clients: lines 'CN=NAME|DNS:NAME|URI:URI ROLE'\n"
      + "                        (roles: viewer, operator, admin; without it every TLS client"
      + " is refused)\n"
      + "  --operator-group G    socket clients in group G are operators (socket mode 0660)\n"
      + "  --viewer-group G      socket clients in group G are viewers (root is always admin)\n"
      + "  --metrics-listen HOST:PORT  serve Prometheus metrics on plain HTTP at /metrics"
      + " (default: off)";

  /** Only the Unix socket, as raidctl's embedded controller runs. */
  public ControllerOptions(Path stateDir, Path imageDir, Path socket) {
    this(stateDir, imageDir, socket, Optional.empty(), Access.rootOnly(), Optional.empty());
  }

  /** A wrong command line; its message says what is wrong. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** Parses the arguments; {@code --help} and mistakes end in a {@link UsageException}. */
  static ControllerOptions parse(String... args) throws UsageException {
    Path stateDir = Path.of(DEFAULT_STATE_DIR);
    Path imageDir = null;
    Path socket = null;
    String listen = null;
    Path cert = null;
    Path key = null;
    Path clientCa = null;
    Path roles = null;
    String operatorGroup = null;
    String viewerGroup = null;
    String metrics = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (flag.equals("--help") || flag.equals("-h")) {
        throw new UsageException("");
      }
      String value;
      if (arg.contains("=")) {
        value = arg.substring(arg.indexOf('=') + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new UsageException(flag + " needs a value");
      }
      if (value.isEmpty()) {
        throw new UsageException(flag + " needs a value");
      }
      switch (flag) {
        case "--state-dir" -> stateDir = Path.of(value);
        case "--image-dir" -> imageDir = Path.of(value);
        case "--socket" -> socket = Path.of(value);
        case "--listen" -> listen = value;
        case "--tls-cert" -> cert = Path.of(value);
        case "--tls-key" -> key = Path.of(value);
        case "--tls-client-ca" -> clientCa = Path.of(value);
        case "--roles" -> roles = Path.of(value);
        case "--operator-group" -> operatorGroup = value;
        case "--viewer-group" -> viewerGroup = value;
        case "--metrics-listen" -> metrics = value;
        default -> throw new UsageException("unknown option " + flag);
      }
    }
    stateDir = stateDir.toAbsolutePath().normalize();
    return new ControllerOptions(stateDir,
        imageDir == null ? stateDir.resolve("images") : imageDir.toAbsolutePath().normalize(),
        socket == null ? stateDir.resolve("controller.sock") : socket.toAbsolutePath().normalize(),
        tcp(listen, cert, key, clientCa), new Access(Optional.ofNullable(roles),
            Optional.ofNullable(operatorGroup), Optional.ofNullable(viewerGroup)),
        metrics == null ? Optional.empty() : Optional.of(address("--metrics-listen", metrics)));
  }

  private static HostPort address(String flag, String value) throws UsageException {
    try {
      return HostPort.parse(value);
    } catch (RaidvmException e) {
      throw new UsageException(flag + ": " + e.getMessage());
    }
  }

  private static Optional<TcpListener> tcp(String listen, Path cert, Path key, Path clientCa)
      throws UsageException {
    if (listen == null) {
      if (cert != null || key != null || clientCa != null) {
        throw new UsageException("--tls-cert, --tls-key and --tls-client-ca are for --listen,"
            + " which is not given");
      }
      return Optional.empty();
    }
    if (cert == null || key == null || clientCa == null) {
      throw new UsageException("refusing to open TCP port " + listen + " without TLS: give"
          + " --tls-cert, --tls-key and --tls-client-ca (missing:"
          + (cert == null ? " --tls-cert" : "") + (key == null ? " --tls-key" : "")
          + (clientCa == null ? " --tls-client-ca" : "") + ")");
    }
    try {
      return Optional.of(new TcpListener(HostPort.parse(listen),
          new TlsFiles(cert, key, clientCa).requireReadable()));
    } catch (RaidvmException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
