package io.raidvm.cli.support;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.UnixSocketChannels;
import io.raidvm.controller.ControllerOptions;
import io.raidvm.controller.HostControllerServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one-machine default: when no controller answers on the socket, raidctl runs one in its own
 * process, on that socket, for as long as the command runs (other clients may use it meanwhile).
 * Stopping it leaves the VMs running; the next controller re-attaches to them.
 */
final class EmbeddedController {

  /** Held so that the level set on it is not lost when the logger is collected. */
  private static final Logger CONTROLLER_LOG = Logger.getLogger("io.raidvm.controller");

  private EmbeddedController() {}

  /**
   * Nothing when a controller answers on the socket (also one that another raidctl started a
   * moment ago), else a controller started here, which the caller stops.
   *
   * @throws NoControllerException when none answers and none may or can run here
   */
  static Optional<HostControllerServer> startUnlessAnswering(ConnectionOptions connection,
      PrintWriter err) {
    Path socket = connection.socket();
    if (UnixSocketChannels.answers(socket)) {
      return Optional.empty();
    }
    if (!connection.embedded()) {
      throw new NoControllerException(socket);
    }
    CONTROLLER_LOG.setLevel(Level.WARNING);
    ControllerOptions options = connection.embeddedController();
    HostControllerServer server = new HostControllerServer(options);
    try {
      server.start();
    } catch (RaidvmException e) {
      server.stop();
      if (e.kind() == RaidvmException.Kind.ALREADY_EXISTS) {
        return Optional.empty();
      }
      throw new NoControllerException(socket, e.getMessage());
    } catch (AccessDeniedException e) {
      server.stop();
      throw new NoControllerException(socket, "no permission to use " + e.getFile()
          + " (run as root, or give --state-dir)");
    } catch (IOException e) {
      server.stop();
      throw new NoControllerException(socket, e.toString());
    }
    err.println("raidctl: no controller at " + socket + "; running one inside this raidctl"
        + " (state " + options.stateDir() + ") until it exits");
    err.flush();
    return Optional.of(server);
  }
}
