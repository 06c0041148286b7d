package io.raidvm.controller.image;

import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** Makes the guest's root file system as a tarball with {@code mmdebstrap}. */
final class RootfsBuilder {

  private static final Duration TIMEOUT = Duration.ofMinutes(30);

  private final CommandRunner runner;

  RootfsBuilder(CommandRunner runner) {
    this.runner = runner;
  }

  /** Writes the tarball to {@code tarball}, handing on every line mmdebstrap prints. */
  void build(String suite, List<String> packages, String mirror, Path tarball,
      Consumer<String> lines) {
    runner.run(command(suite, packages, mirror, tarball), lines).orThrow();
  }

  static Command command(String suite, List<String> packages, String mirror, Path tarball) {
    return Command.of("mmdebstrap", "--variant=minbase", "--format=tar",
            "--include=" + String.join(",", packages), suite, tarball.toString(), mirror)
        .withTimeout(TIMEOUT);
  }
}
