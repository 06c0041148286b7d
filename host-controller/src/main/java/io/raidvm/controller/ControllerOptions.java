package io.raidvm.controller;

import java.nio.file.Path;

/** The controller's command line: {@code --state-dir}, {@code --image-dir}, {@code --socket}. */
public record ControllerOptions(Path stateDir, Path imageDir, Path socket) {

  static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/raidvm");
  static final String USAGE = "usage: raidvm-controller [--state-dir DIR] [--image-dir DIR]"
      + " [--socket PATH]\n"
      + "  --state-dir DIR   disks, VMs and the socket live here (default /var/lib/raidvm)\n"
      + "  --image-dir DIR   guest images (default <state-dir>/images)\n"
      + "  --socket PATH     the controller's gRPC socket (default <state-dir>/controller.sock)";

  /** A wrong command line; its message says what is wrong. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** Parses the arguments; {@code --help} and mistakes end in a {@link UsageException}. */
  static ControllerOptions parse(String... args) throws UsageException {
    Path stateDir = DEFAULT_STATE_DIR;
    Path imageDir = null;
    Path socket = null;
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
        default -> throw new UsageException("unknown option " + flag);
      }
    }
    stateDir = stateDir.toAbsolutePath().normalize();
    return new ControllerOptions(stateDir,
        imageDir == null ? stateDir.resolve("images") : imageDir.toAbsolutePath().normalize(),
        socket == null ? stateDir.resolve("controller.sock") : socket.toAbsolutePath().normalize());
  }
}
