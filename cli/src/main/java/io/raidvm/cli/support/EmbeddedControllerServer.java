package io.raidvm.cli.support;

import io.raidvm.common.error.RaidvmException;
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
 * The controller that raidctl runs itself ({@link EmbeddedController}): the one class of the
 * command path that names the controller's classes, so that only a start here loads them.
 */
final class EmbeddedControllerServer implements EmbeddedController {

  /** Held so that the level set on it is not lost when the logger is collected. */
  private static final Logger CONTROLLER_LOG = Logger.getLogger("io.raidvm.controller");

  private final HostControllerServer server;

  private EmbeddedControllerServer(HostControllerServer server) {
    this.server = server;
  }

  /**
   * A controller started on {@code connection}'s socket and directories, or nothing when
   * another raidctl started one there a moment ago.
   *
   * @throws NoControllerException when it cannot start
   */
  static Optional<EmbeddedController> start(ConnectionOptions connection, PrintWriter err) {
    Path socket = connection.socket();
    CONTROLLER_LOG.setLevel(Level.WARNING);
    ControllerOptions options = new ControllerOptions(connection.stateDir(),
        connection.imageDir(), socket.toAbsolutePath().normalize());
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
    return Optional.of(new EmbeddedControllerServer(server));
  }

  @Override
  public void stop() {
    server.stop();
  }
}
