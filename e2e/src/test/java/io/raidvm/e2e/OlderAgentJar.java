package io.raidvm.e2e;

import io.raidvm.common.fs.FileTrees;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The guest agent as an earlier commit of this repository built it: a real previous version for
 * the upgrade test (issue 14: "a VM built from the previous agent version is upgraded and answers
 * the new calls"), not the current one with another manifest. The commit's tree is taken with
 * {@code git archive} (the checkout needs its history: CI's clone has it) and built offline with
 * the same Maven and local repository as this build, skipping its tests.
 */
final class OlderAgentJar {

  /**
   * 2313afe, main's merge of agent upgrades: the first main commit whose agent has InstallAgent
   * (so {@code UpgradeAgent} can replace it), and the last before {@code Boot.AwaitBoot} (merged
   * in 34bdf63) — a call it lacks and the current agent answers — and before the upgrade trial,
   * which it never commits. Move it forward when a newer call is worth the check.
   */
  static final String COMMIT = "2313afef49acc328405bf8427101858e310b6b89";

  private static final Duration GIT_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);

  private OlderAgentJar() {}

  /** Builds it in a temporary folder, removed after, and returns the runnable jar's bytes. */
  static byte[] build() throws IOException {
    Path work = Files.createTempDirectory("raidvm-older-agent-");
    try {
      return build(work);
    } finally {
      FileTrees.delete(work);
    }
  }

  private static byte[] build(Path work) throws IOException {
    ProcessRunner runner = new ProcessRunner();
    String repo = runner.run(Command.of("git", "rev-parse", "--show-toplevel")
        .withTimeout(GIT_TIMEOUT)).orThrow().stdout().strip();
    Path tar = work.resolve("source.tar");
    Path source = Files.createDirectories(work.resolve("source"));
    runner.run(Command.of("git", "-C", repo, "archive", "--format=tar", "-o", tar.toString(),
        COMMIT).withTimeout(GIT_TIMEOUT)).orThrow();
    runner.run(Command.of("tar", "-xf", tar.toString(), "-C", source.toString())
        .withTimeout(GIT_TIMEOUT)).orThrow();
    runner.run(Command.of("mvn", "-B", "-o", "-q", "-f", source.resolve("pom.xml").toString(),
        "-pl", "guest-agent", "-am", "package", "-DskipTests").withTimeout(BUILD_TIMEOUT))
        .orThrow();
    try (var jars = Files.newDirectoryStream(source.resolve("guest-agent/target"), "*-all.jar")) {
      for (Path jar : jars) {
        return Files.readAllBytes(jar);
      }
    }
    throw new IllegalStateException("the build of " + COMMIT + " left no *-all.jar in "
        + source.resolve("guest-agent/target"));
  }
}
