package io.raidvm.common.process;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The tests' {@link CommandRunner}: records the argv of every command it is asked to run and
 * answers from what the test scripted, most precise first: a result for one exact argv
 * ({@link #answer}), then a behaviour for every argv that starts with a prefix ({@link #on}; a
 * program's name is the shortest prefix), then the fallback: the test fails
 * ({@link #FakeCommandRunner()}), every command succeeds silently ({@link #succeeding()}), or
 * what {@link #otherwise} says. Thread-safe, so that operations running in the background may use
 * it. Other modules' tests get it from raidvm-common's test-jar.
 */
public final class FakeCommandRunner implements CommandRunner {

  /** What a scripted program does: its side effects and the lines it prints, then its result. */
  @FunctionalInterface
  public interface Behaviour {
    CommandResult run(Command command, Consumer<String> lines) throws Exception;
  }

  private static final Behaviour UNEXPECTED = (command, lines) -> {
    throw new AssertionError("unexpected command: " + command);
  };

  private final List<List<String>> calls = new CopyOnWriteArrayList<>();
  private final Map<List<String>, Behaviour> byArgv = new ConcurrentHashMap<>();
  private final Map<List<String>, Behaviour> byPrefix = new ConcurrentHashMap<>();
  private final Map<List<String>, Runnable> effects = new ConcurrentHashMap<>();
  private final Set<String> missing = ConcurrentHashMap.newKeySet();
  private volatile Behaviour otherwise = UNEXPECTED;

  /** A runner on which every command the test did not script fails the test. */
  public FakeCommandRunner() {}

  /** A runner on which every command the test did not script succeeds with no output. */
  public static FakeCommandRunner succeeding() {
    return new FakeCommandRunner().otherwise((command, lines) -> ok(command, ""));
  }

  public static CommandResult ok(Command command, String stdout) {
    return new CommandResult(command.argv(), 0, stdout, "", Duration.ZERO);
  }

  public static CommandResult failed(Command command, int exitCode, String stderr) {
    return new CommandResult(command.argv(), exitCode, "", stderr, Duration.ZERO);
  }

  /**
   * {@code argv} exits with {@code exitCode} after printing {@code stdout} and {@code stderr}
   * (handed on line by line, as {@link ProcessRunner} does); a later answer replaces it.
   */
  public FakeCommandRunner answer(List<String> argv, int exitCode, String stdout, String stderr) {
    CommandResult result = new CommandResult(argv, exitCode, stdout, stderr, Duration.ZERO);
    byArgv.put(List.copyOf(argv), (command, lines) -> {
      (result.stdout() + result.stderr()).lines().forEach(lines);
      return result;
    });
    return this;
  }

  /** Every command whose argv starts with {@code prefix} does what {@code behaviour} says. */
  public FakeCommandRunner on(List<String> prefix, Behaviour behaviour) {
    byPrefix.put(List.copyOf(prefix), behaviour);
    return this;
  }

  /** Every run of {@code program} does what {@code behaviour} says. */
  public FakeCommandRunner on(String program, Behaviour behaviour) {
    return on(List.of(program), behaviour);
  }

  /** What every command that nothing else answers does. */
  public FakeCommandRunner otherwise(Behaviour behaviour) {
    otherwise = behaviour;
    return this;
  }

  /** Runs {@code effect} whenever {@code argv} runs (before answering), as the tool's effect. */
  public FakeCommandRunner effect(List<String> argv, Runnable effect) {
    effects.put(List.copyOf(argv), effect);
    return this;
  }

  /** Makes {@code program} fail as ProcessRunner does when it is not installed. */
  public FakeCommandRunner missing(String program) {
    missing.add(program);
    return this;
  }

  /** The argv of every command run so far, in order. */
  public List<List<String>> calls() {
    return List.copyOf(calls);
  }

  /** The program of every command run so far, in order. */
  public List<String> programs() {
    return calls.stream().map(argv -> argv.get(0)).toList();
  }

  /** The argv of the first run of {@code program}; fails the test when it did not run. */
  public List<String> argvOf(String program) {
    return calls.stream().filter(argv -> argv.get(0).equals(program)).findFirst()
        .orElseThrow(() -> new AssertionError(program + " did not run; ran: " + calls));
  }

  /** Forgets the commands run so far. */
  public void clearCalls() {
    calls.clear();
  }

  @Override
  public CommandResult run(Command command, Consumer<String> lines) {
    calls.add(command.argv());
    if (missing.contains(command.program())) {
      throw RaidvmException.failedPrecondition("%s is not installed", command.program());
    }
    Behaviour behaviour = behaviourFor(command.argv());
    if (behaviour != UNEXPECTED) {
      effects.getOrDefault(command.argv(), () -> { }).run();
    }
    try {
      return behaviour.run(command, lines);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("fake " + command.program() + " failed", e);
    }
  }

  /**
   * Answers as {@link #run} does, then starts a real stand-in that appends the scripted output to
   * {@code output} and exits with the scripted code, as a program that fails at start would.
   */
  @Override
  public Process startDetached(Command command, Path output) {
    CommandResult result = run(command, line -> { });
    try {
      return new ProcessBuilder("sh", "-c", "printf '%s' \"$1\"; exit \"$2\"", "stand-in",
          result.stdout() + result.stderr(), Integer.toString(result.exitCode()))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Behaviour behaviourFor(List<String> argv) {
    Behaviour exact = byArgv.get(argv);
    if (exact != null) {
      return exact;
    }
    for (int n = argv.size(); n > 0; n--) {
      Behaviour b = byPrefix.get(List.copyOf(argv.subList(0, n)));
      if (b != null) {
        return b;
      }
    }
    return otherwise;
  }
}
