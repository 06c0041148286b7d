package io.raidvm.agent.testing;

import io.raidvm.common.process.FakeCommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads captured tool output from {@code src/test/resources/fixtures/}. */
public final class Fixtures {

  private Fixtures() {}

  public static String read(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
