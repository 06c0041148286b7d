package io.raidvm.cli;

import io.raidvm.cli.support.Confirmation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A terminal (or none) whose person gives the answers handed to it, and the prompts it saw. */
public final class FakeTerminal implements Confirmation.Terminal {

  public final List<String> prompts = new ArrayList<>();
  private final boolean interactive;
  private final Deque<String> answers = new ArrayDeque<>();

  private FakeTerminal(boolean interactive) {
    this.interactive = interactive;
  }

  /** A person at a terminal who types these lines, then ends the input. */
  public static FakeTerminal answering(String... answers) {
    FakeTerminal t = new FakeTerminal(true);
    t.answers.addAll(List.of(answers));
    return t;
  }

  /** Stdin or stdout is not a terminal (a script, CI). */
  public static FakeTerminal none() {
    return new FakeTerminal(false);
  }

  @Override
  public boolean interactive() {
    return interactive;
  }

  @Override
  public String ask(String prompt) {
    if (!interactive) {
      throw new AssertionError("asked without a terminal: " + prompt);
    }
    prompts.add(prompt);
    return answers.poll();
  }
}
