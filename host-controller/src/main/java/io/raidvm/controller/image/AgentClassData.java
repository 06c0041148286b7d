package io.raidvm.controller.image;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The agent's class-data sharing archive, made at image build (docs/design.md, "Guest boot"):
 * the guest's own JVM runs {@code io.raidvm.agent.ClassDataTraining} in the mounted rootfs under
 * {@code -XX:ArchiveClassesAtExit}, so every boot maps the agent's classes instead of loading and
 * verifying them. It must be the guest's JVM (an archive fits only the JVM build that wrote it)
 * with the unit's own JVM options and class path (or the guest's JVM ignores the archive): the
 * options are read from the unit's {@code ExecStart}, the one place they are written.
 *
 * <p>The run is a {@link GuestRoot} command: the JVM needs /proc to find its own libraries.
 */
final class AgentClassData {

  static final String UNIT = "etc/systemd/system/raidvm-agent.service";
  static final String ARCHIVE_OPTION = "-XX:SharedArchiveFile=";
  static final String TRAINING_CLASS = "io.raidvm.agent.ClassDataTraining";

  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private final CommandRunner runner;

  AgentClassData(CommandRunner runner) {
    this.runner = runner;
  }

  /** Writes the archive that the unit names into the rootfs mounted at {@code root}. */
  void make(Path root, byte[] unit) {
    runner.run(command(root, new String(unit, StandardCharsets.UTF_8))).orThrow();
  }

  /**
   * The training run for the unit's {@code ExecStart=JAVA OPTIONS… -jar JAR}: the same JVM,
   * options and class path, with {@code -XX:SharedArchiveFile=A} turned into
   * {@code -XX:ArchiveClassesAtExit=A} and the training class as the main class. JVM logging of
   * classes that cannot be archived (JFR events, generated accessors) stays quiet.
   */
  static Command command(Path root, String unit) {
    List<String> exec = execStart(unit);
    int jar = exec.indexOf("-jar");
    if (jar < 1 || jar != exec.size() - 2) {
      throw RaidvmException.failedPrecondition("the agent unit's ExecStart does not end in"
          + " '-jar JAR': %s", String.join(" ", exec));
    }
    List<String> argv = new ArrayList<>(List.of(exec.get(0)));
    boolean archive = false;
    for (String option : exec.subList(1, jar)) {
      if (option.startsWith(ARCHIVE_OPTION)) {
        archive = true;
        argv.add("-XX:ArchiveClassesAtExit=" + option.substring(ARCHIVE_OPTION.length()));
      } else {
        argv.add(option);
      }
    }
    if (!archive) {
      throw RaidvmException.failedPrecondition("the agent unit's ExecStart names no %s",
          ARCHIVE_OPTION);
    }
    argv.addAll(List.of("-Xlog:cds*=error", "-cp", exec.get(jar + 1), TRAINING_CLASS));
    return GuestRoot.command(root, argv, TIMEOUT);
  }

  /** The words of the unit's one {@code ExecStart=} line (no quoting is used there). */
  static List<String> execStart(String unit) {
    List<String> lines = unit.lines().filter(l -> l.startsWith("ExecStart=")).toList();
    if (lines.size() != 1) {
      throw RaidvmException.failedPrecondition("the agent unit has %d ExecStart lines, not one",
          lines.size());
    }
    return Arrays.asList(lines.get(0).substring("ExecStart=".length()).strip().split("\\s+"));
  }
}
