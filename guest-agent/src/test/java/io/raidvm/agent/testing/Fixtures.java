package io.raidvm.agent.testing;

import io.raidvm.common.process.FakeCommandRunner;
import io.raidvm.common.testing.TestResources;
import java.util.List;
import java.util.Objects;

/** Reads captured tool output from {@code src/test/resources/fixtures/}. */
public final class Fixtures {

  private Fixtures() {}

  public static String read(String name) {
    return TestResources.read("fixtures/" + name);
  }

  /**
   * Scripts {@code runner} to answer {@code argv} as a command captured in the guest did: the
   * exit code, stdout and stderr of {@code guest/<capture>.exit|.stdout|.stderr}, e.g.
   * "19-initramfs/update-initramfs-u". Fails unless {@code argv} is the captured
   * {@code .argv}: a test answers only the command that made the output.
   */
  public static FakeCommandRunner answerAsCaptured(FakeCommandRunner runner, List<String> argv,
      String capture) {
    return answer(runner, argv, capture, null);
  }

  /**
   * As {@link #answerAsCaptured}, for an {@code argv} that differs from the captured one exactly
   * as {@code difference} declares (and says why); fails on any other difference.
   */
  public static FakeCommandRunner answerAsCapturedFor(FakeCommandRunner runner,
      List<String> argv, String capture, ArgvDifference difference) {
    return answer(runner, argv, capture, Objects.requireNonNull(difference));
  }

  /** The argv a capture was made with ({@code guest/<capture>.argv}, one token a line). */
  public static List<String> capturedArgv(String capture) {
    return read(folder(capture) + ".argv").lines().toList();
  }

  /**
   * The classpath name of a capture: "04-raid5-synced/sysfs-md127" is the main capture's
   * ({@code fixtures/guest/}); a name that starts with another capture's folder, such as
   * "guest-reshape/r2-grow-4/grow", is that one's.
   */
  public static String guestCapture(String capture) {
    return "/fixtures/" + folder(capture);
  }

  /** {@link #guestCapture} below {@code fixtures/}: "guest/04-raid5-synced/mdstat". */
  public static String folder(String capture) {
    return capture.startsWith("guest-") ? capture : "guest/" + capture;
  }

  private static FakeCommandRunner answer(FakeCommandRunner runner, List<String> argv,
      String capture, ArgvDifference difference) {
    List<String> captured = capturedArgv(capture);
    if (difference == null) {
      if (!captured.equals(argv)) {
        throw new AssertionError("argv answered as " + capture + " is not the captured one"
            + "\n  captured: " + captured + "\n  answered: " + argv);
      }
    } else {
      difference.check(captured, argv, capture);
    }
    String base = folder(capture);
    return runner.answer(argv, Integer.parseInt(read(base + ".exit").strip()),
        read(base + ".stdout"), read(base + ".stderr"));
  }
}
