package io.raidvm.controller;

import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.CommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/** A fake runner that records every argv and answers with what the test says. */
public final class RecordingRunner implements CommandRunner {

  public final List<List<String>> argvs = new ArrayList<>();
  private final Function<Command, CommandResult> answers;

  public RecordingRunner(Function<Command, CommandResult> answers) {
    this.answers = answers;
  }

  /** Every command succeeds with no output. */
  public static RecordingRunner succeeding() {
    return new RecordingRunner(c -> ok(c, ""));
  }

  public static CommandResult ok(Command c, String stdout) {
    return new CommandResult(c.argv(), 0, stdout, "", Duration.ZERO);
  }

  public static CommandResult failed(Command c, int exit, String stderr) {
    return new CommandResult(c.argv(), exit, "", stderr, Duration.ZERO);
  }

  @Override
  public CommandResult run(Command command, Consumer<String> lines) {
    argvs.add(command.argv());
    return answers.apply(command);
  }
}
