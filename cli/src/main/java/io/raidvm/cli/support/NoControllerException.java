package io.raidvm.cli.support;

import java.nio.file.Path;

/** No controller listens where raidctl looks for one, and raidctl runs none itself. */
final class NoControllerException extends RuntimeException {

  /** With --no-embedded. */
  NoControllerException(Path socket) {
    super("no controller at " + socket + ": start one with bin/raidvm-controller, or point"
        + " raidctl at it with --socket or $RAIDVM_SOCKET");
  }

  /** None answers, and the one raidctl tried to run itself could not start. */
  NoControllerException(Path socket, String whyNotHere) {
    super("no controller at " + socket + ", and none can run inside raidctl: " + whyNotHere);
  }
}
