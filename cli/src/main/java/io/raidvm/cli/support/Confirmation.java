package io.raidvm.cli.support;

import io.raidvm.common.error.RaidvmException;
import java.io.Console;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * -y/--yes, and the question a destructive command asks first: only when a person is at a
 * terminal (stdin and stdout), so scripts and CI never wait for an answer.
 */
public final class Confirmation {

  /** Where the question is asked. */
  public interface Terminal {
    /** Stdin and stdout are a terminal. */
    boolean interactive();

    /** Prints {@code prompt} and returns the line typed, or null at the end of input. */
    String ask(String prompt);
  }

  /** {@link System#console()}: there only when stdin and stdout are a terminal. */
  private static final Terminal CONSOLE = new Terminal() {
    @Override
    public boolean interactive() {
      return System.console() != null;
    }

    @Override
    public String ask(String prompt) {
      Console console = System.console();
      return console.readLine("%s", prompt);
    }
  };

  @Option(names = {"-y", "--yes"},
      description = "Do not ask before going ahead (raidctl asks only at a terminal).")
  boolean yes;

  private final Terminal terminal;

  public Confirmation() {
    this(CONSOLE);
  }

  public Confirmation(Terminal terminal) {
    this.terminal = terminal;
  }

  /**
   * At a terminal and without --yes: asks {@code question} with "[y/N]" and goes on only on "y"
   * or "yes"; anything else ends the command, before it has called anything.
   */
  public void confirm(String question) {
    if (yes || !terminal.interactive()) {
      return;
    }
    String answer = terminal.ask(question + " [y/N] ");
    String word = answer == null ? "" : answer.strip().toLowerCase(Locale.ROOT);
    if (!word.equals("y") && !word.equals("yes")) {
      throw new Cancelled();
    }
  }

  /**
   * For what cannot be undone and was shown first (a plan): as {@link #confirm} at a terminal,
   * but without a terminal it goes ahead only with --yes — a script must say so.
   */
  public void require(String question) {
    if (yes) {
      return;
    }
    if (!terminal.interactive()) {
      throw RaidvmException.failedPrecondition("not carried out: nobody at a terminal to"
          + " confirm it; pass --yes to carry it out");
    }
    confirm(question);
  }

  /** The person said no: "raidctl: cancelled", exit code 1. */
  static final class Cancelled extends RuntimeException {
    Cancelled() {
      super("cancelled");
    }
  }
}
