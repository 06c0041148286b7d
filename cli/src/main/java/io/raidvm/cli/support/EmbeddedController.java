package io.raidvm.cli.support;

import io.raidvm.common.grpc.UnixSocketChannels;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one-machine default: when no controller answers on the socket, raidctl runs one in its own
 * process, on that socket, for as long as the command runs (other clients may use it meanwhile).
 * Stopping it leaves the VMs running; the next controller re-attaches to them.
 *
 * <p>Only {@link EmbeddedControllerServer} names the controller's classes, and the JVM loads it
 * only when it is called: a command against a running controller loads none of them (they are
 * most of raidctl's jar; docs/design.md, "raidctl's start").
 */
interface EmbeddedController {

  /**
   * Nothing when a controller answers on the socket (also one that another raidctl started a
   * moment ago), else a controller started here, which the caller stops.
   *
   * @throws NoControllerException when none answers and none may or can run here
   */
  static Optional<EmbeddedController> startUnlessAnswering(ConnectionOptions connection,
      PrintWriter err) {
    Path socket = connection.socket();
    if (UnixSocketChannels.answers(socket)) {
      return Optional.empty();
    }
    if (!connection.embedded()) {
      throw new NoControllerException(socket);
    }
    return EmbeddedControllerServer.start(connection, err);
  }

  /** Stops serving; the VMs keep running. */
  void stop();
}
