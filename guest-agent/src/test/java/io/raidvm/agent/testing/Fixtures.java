package io.raidvm.agent.testing;

import io.raidvm.common.process.FakeCommandRunner;
import io.raidvm.common.testing.TestResources;
import java.util.List;

/** Reads captured tool output from {@code src/test/resources/fixtures/}. */
public final class Fixtures {

  private Fixtures() {}

  public static String read(String name) {
    return TestResources.read("fixtures/" + name);
  }

  /**
   * Scripts {@code runner} to answer {@code argv} as a command captured in the guest did: the
   * exit code, stdout and stderr of {@code guest/<capture>.exit|.stdout|.stderr}, e.g.
   * "03-raid5-create/mdadm-create" ({@code argv} may differ from the captured one, by-id paths).
   */
  public static FakeCommandRunner answerAsCaptured(FakeCommandRunner runner, List<String> argv,
      String capture) {
    String base = "guest/" + capture;
    return runner.answer(argv, Integer.parseInt(read(base + ".exit").strip()),
        read(base + ".stdout"), read(base + ".stderr"));
  }
}
