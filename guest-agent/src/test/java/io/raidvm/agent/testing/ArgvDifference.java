package io.raidvm.agent.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the argv a test answers differs from the one captured in the guest, and why: tokens named
 * otherwise (a by-id path the test knows by its kernel name), tokens only the test's argv has
 * (an option that does not change the captured output), tokens only the captured argv has (a
 * part of the captured command the test's does not repeat), or the same options in another order.
 * Every declared difference must be there: one that is not fails the test, so a declaration
 * cannot outlive the difference it explains.
 */
public final class ArgvDifference {

  private final String why;
  private final Map<String, String> renamed = new LinkedHashMap<>();
  private final List<List<String>> respelled = new ArrayList<>();
  private final List<List<String>> added = new ArrayList<>();
  private final List<List<String>> dropped = new ArrayList<>();
  private boolean reordered;

  private ArgvDifference(String why) {
    if (why == null || why.isBlank()) {
      throw new IllegalArgumentException("say why the argv differs from the captured one");
    }
    this.why = why;
  }

  public static ArgvDifference because(String why) {
    return new ArgvDifference(why);
  }

  /** The captured argv's {@code captured} token is {@code ours} in the answered one. */
  public ArgvDifference renamed(String captured, String ours) {
    renamed.put(captured, ours);
    return this;
  }

  /** Whether the captured token {@code captured} is declared renamed. */
  public boolean renames(String captured) {
    return renamed.containsKey(captured);
  }

  /** The captured tokens {@code captured} (in a row) are the one token {@code ours}. */
  public ArgvDifference respelled(List<String> captured, String ours) {
    List<String> entry = new ArrayList<>(captured);
    entry.add(0, ours);
    respelled.add(entry);
    return this;
  }

  /** The answered argv has {@code tokens} (in a row) where the captured one has nothing. */
  public ArgvDifference added(String... tokens) {
    added.add(List.of(tokens));
    return this;
  }

  /**
   * The captured argv has {@code tokens} (in a row, after the renames) where the answered one has
   * nothing.
   */
  public ArgvDifference dropped(String... tokens) {
    dropped.add(List.of(tokens));
    return this;
  }

  /** The same tokens in another order. */
  public ArgvDifference reordered() {
    reordered = true;
    return this;
  }

  /** Fails unless {@code answered} is {@code captured} with exactly these differences. */
  void check(List<String> captured, List<String> answered, String capture) {
    List<String> expected = new ArrayList<>();
    List<String> unused = new ArrayList<>(renamed.keySet());
    for (String token : captured) {
      unused.remove(token);
      expected.add(renamed.getOrDefault(token, token));
    }
    for (List<String> entry : respelled) {
      List<String> from = entry.subList(1, entry.size());
      int at = Collections.indexOfSubList(expected, from);
      if (at < 0) {
        throw mismatch("the capture has no " + from, captured, answered, capture);
      }
      expected.subList(at, at + from.size()).clear();
      expected.add(at, entry.get(0));
    }
    for (List<String> tokens : dropped) {
      int at = Collections.indexOfSubList(expected, tokens);
      if (at < 0) {
        throw mismatch("the capture has no " + tokens, captured, answered, capture);
      }
      expected.subList(at, at + tokens.size()).clear();
    }
    List<String> actual = new ArrayList<>(answered);
    for (List<String> tokens : added) {
      int at = Collections.indexOfSubList(actual, tokens);
      if (at < 0) {
        throw mismatch("the answered argv has no " + tokens, captured, answered, capture);
      }
      actual.subList(at, at + tokens.size()).clear();
    }
    if (!unused.isEmpty()) {
      throw mismatch("the capture has no " + unused, captured, answered, capture);
    }
    if (reordered) {
      if (expected.equals(actual)) {
        throw mismatch("declared reordered, but the order is the same", captured, answered,
            capture);
      }
      expected = new ArrayList<>(expected);
      actual = new ArrayList<>(actual);
      Collections.sort(expected);
      Collections.sort(actual);
    }
    if (!Objects.equals(expected, actual)) {
      throw mismatch("they differ beyond what is declared", captured, answered, capture);
    }
  }

  private AssertionError mismatch(String what, List<String> captured, List<String> answered,
      String capture) {
    return new AssertionError("argv answered as " + capture + " (declared: " + why + "): " + what
        + "\n  captured: " + captured + "\n  answered: " + answered);
  }
}
