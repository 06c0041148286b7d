package io.raidvm.common.process;

import io.raidvm.common.error.RaidvmException.Kind;
import io.raidvm.common.error.ToolException;
import java.time.Duration;
import java.util.List;

/** What a finished program left: its exit code, its output and how long it took. */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr,
    Duration duration) {

  public CommandResult {
    argv = List.copyOf(argv);
  }

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** This result, or a {@link ToolException} (FAILED_PRECONDITION) when the program failed. */
  public CommandResult orThrow() {
    return orThrow(Kind.FAILED_PRECONDITION);
  }

  /** This result, or a {@link ToolException} of {@code kind} when the program failed. */
  public CommandResult orThrow(Kind kind) {
    if (!succeeded()) {
      throw new ToolException(kind, argv, exitCode, stderr);
    }
    return this;
  }
}
