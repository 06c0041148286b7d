package io.raidvm.agent.testing;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.CommandRunner;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Answers commands with canned results and records every argv it was asked to run. */
public final class FakeCommandRunner implements CommandRunner {

  private final Map<List<String>, CommandResult> answers = new HashMap<>();
  private final Set<String> missingPrograms = new HashSet<>();
  private final List<List<String>> calls = new CopyOnWriteArrayList<>();
  private final Map<List<String>, Runnable> effects = new HashMap<>();

  public FakeCommandRunner answer(List<String> argv, int exitCode, String stdout, String stderr) {
    answers.put(argv, new CommandResult(argv, exitCode, stdout, stderr, Duration.ZERO));
    return this;
  }

  /** Runs {@code effect} whenever {@code argv} runs (before answering), as the tool's effect. */
  public FakeCommandRunner effect(List<String> argv, Runnable effect) {
    effects.put(argv, effect);
    return this;
  }

  /** Makes {@code program} fail as ProcessRunner does when it is not installed. */
  public FakeCommandRunner missing(String program) {
    missingPrograms.add(program);
    return this;
  }

  public List<List<String>> calls() {
    return List.copyOf(calls);
  }

  @Override
  public CommandResult run(Command command, Consumer<String> lines) {
    calls.add(command.argv());
    if (missingPrograms.contains(command.program())) {
      throw RaidvmException.failedPrecondition("%s is not installed", command.program());
    }
    CommandResult result = answers.get(command.argv());
    if (result == null) {
      throw new AssertionError("unexpected command: " + command);
    }
    effects.getOrDefault(command.argv(), () -> { }).run();
    (result.stdout() + result.stderr()).lines().forEach(lines);
    return result;
  }
}
