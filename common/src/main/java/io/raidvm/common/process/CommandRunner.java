package io.raidvm.common.process;

import java.nio.file.Path;
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

  /**
   * Starts a program that outlives this call and this process, and returns at once: in a session
   * of its own (setsid(1): no signal meant for the caller's terminal reaches it), stdin from
   * /dev/null, stdout and stderr appended to {@code output}. The process is the caller's child:
   * {@link Process#onExit} tells its exit status while the caller lives.
   *
   * @throws io.raidvm.common.error.RaidvmException FAILED_PRECONDITION when the program is not
   *     installed or cannot be started
   */
  Process startDetached(Command command, Path output);
}
