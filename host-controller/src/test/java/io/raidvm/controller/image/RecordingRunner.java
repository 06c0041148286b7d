package io.raidvm.controller.image;

import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.CommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Records every argv; programs answer as the test scripts them, else succeed silently. */
final class RecordingRunner implements CommandRunner {

  /** What a scripted program does: its side effects, then its exit code and stdout. */
  interface Behaviour {
    CommandResult run(List<String> argv, Consumer<String> lines) throws Exception;
  }

  final List<List<String>> argvs = new ArrayList<>();
  private final Map<String, Behaviour> behaviours = new HashMap<>();

  RecordingRunner on(String program, Behaviour behaviour) {
    behaviours.put(program, behaviour);
    return this;
  }

  static CommandResult ok(List<String> argv, String stdout) {
    return new CommandResult(argv, 0, stdout, "", Duration.ZERO);
  }

  static CommandResult failed(List<String> argv, String stderr) {
    return new CommandResult(argv, 1, "", stderr, Duration.ZERO);
  }

  List<String> programs() {
    return argvs.stream().map(a -> a.get(0)).toList();
  }

  List<String> argvOf(String program) {
    return argvs.stream().filter(a -> a.get(0).equals(program)).findFirst().orElseThrow();
  }

  @Override
  public CommandResult run(Command command, Consumer<String> lines) {
    argvs.add(command.argv());
    Behaviour b = behaviours.get(command.program());
    if (b == null) {
      return ok(command.argv(), "");
    }
    try {
      return b.run(command.argv(), lines);
    } catch (Exception e) {
      throw new IllegalStateException("fake " + command.program() + " failed", e);
    }
  }
}
