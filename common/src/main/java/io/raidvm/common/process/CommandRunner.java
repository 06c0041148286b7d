package io.raidvm.common.process;

import java.util.function.Consumer;

/**
 * Runs external programs. The one implementation is {@link ProcessRunner}; tests give the tool
 * wrappers a recording fake and assert the exact argv.
 */
public interface CommandRunner {

  /** Runs the command to its end; a non-zero exit is a result, not an exception. */
  default CommandResult run(Command command) {
    return run(command, line -> { });
  }

  /**
   * Runs the command to its end, handing every line it prints (stdout and stderr) to
   * {@code lines} as it comes.
   *
   * @throws io.raidvm.common.error.RaidvmException FAILED_PRECONDITION when the program is not
   *     installed (naming the package that brings it), DEADLINE_EXCEEDED when it outlives its
   *     timeout (it is killed), CANCELLED when the calling thread is interrupted.
   */
  CommandResult run(Command command, Consumer<String> lines);
}
