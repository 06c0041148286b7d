package io.raidvm.cli.support;

import java.nio.file.Path;

/** No controller listens where raidctl looks for one. */
final class NoControllerException extends RuntimeException {

  NoControllerException(Path socket) {
    super("no controller at " + socket + ": start one with bin/raidvm-controller, or point"
        + " raidctl at it with --socket or $RAIDVM_SOCKET");
  }
}
