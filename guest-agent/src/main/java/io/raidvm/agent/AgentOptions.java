package io.raidvm.agent;

import io.raidvm.agent.upgrade.TrialFallback;
import java.nio.file.Path;

/** The agent's command line: where the virtio port and the private gRPC socket are. */
record AgentOptions(Path port, Path socket) {

  static final Path DEFAULT_PORT = Path.of("/dev/virtio-ports/io.raidvm.agent.0");
  /** Where the fallback asks whether an agent serves, too. */
  static final Path DEFAULT_SOCKET = TrialFallback.SOCKET;
  static final String USAGE = "usage: raidvm-agent [--port DEVICE] [--socket PATH]";

  /** Parses {@code --port X} / {@code --port=X} and {@code --socket X} / {@code --socket=X}. */
  static AgentOptions parse(String... args) {
    Path port = DEFAULT_PORT;
    Path socket = DEFAULT_SOCKET;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      if (!name.equals("--port") && !name.equals("--socket")) {
        throw new IllegalArgumentException("unknown option " + name + "; " + USAGE);
      }
      if (eq < 0 && i + 1 == args.length) {
        throw new IllegalArgumentException(name + " needs a value; " + USAGE);
      }
      Path value = Path.of(eq < 0 ? args[++i] : arg.substring(eq + 1));
      if (name.equals("--port")) {
        port = value;
      } else {
        socket = value;
      }
    }
    return new AgentOptions(port, socket);
  }
}
