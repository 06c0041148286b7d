package io.raidvm.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's systemd unit (src/main/systemd), as scripts/install-service installs it. */
class ServiceUnitTest {

  private static final Path UNIT = Path.of("src/main/systemd/raidvm-controller.service");
  /** The launcher of a checkout's controller: the same JVM options. */
  private static final Path LAUNCHER = Path.of("../bin/raidvm-controller");

  @TempDir
  Path dir;

  @Test
  void theUnit_restartsOnFailure_startsAtBoot_andLeavesTheVmsRunning() throws Exception {
    List<String> lines = Files.readAllLines(UNIT);
    for (String directive : List.of("KillMode=process", "Restart=on-failure",
        "SuccessExitStatus=143", "WantedBy=multi-user.target")) {
      assertTrue(lines.contains(directive), "no " + directive + " in " + UNIT);
    }
  }

  @Test
  void theUnitsJava_hasTheOptionsOfBinRaidvmController() throws Exception {
    String script = Files.readString(LAUNCHER);
    Matcher opts = Pattern.compile("(?s)\nopts=\\((.*?)\\)\n").matcher(script);
    assertTrue(opts.find(), "no opts=(...) in " + LAUNCHER);
    String options = String.join(" ", opts.group(1).trim().split("\\s+"));
    assertTrue(Files.readAllLines(UNIT).contains("ExecStart=/usr/bin/java " + options
        + " -jar /usr/local/lib/raidvm/raidvm-controller.jar $RAIDVM_CONTROLLER_OPTS"),
        "ExecStart in " + UNIT + " differs from " + LAUNCHER + "'s java " + options);
  }

  @Test
  void systemdAnalyzeVerify_findsNothingToSay() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "no systemd here");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/java")), "verify checks ExecStart's java");
    Path copy = Files.copy(UNIT, dir.resolve("raidvm-controller.service"));
    CommandResult verify = new ProcessRunner().run(Command.of("systemd-analyze", "verify",
        copy.toString()));
    assertEquals(0, verify.exitCode(), verify.toString());
    assertEquals("", verify.stdout() + verify.stderr(), "warnings: " + verify);
  }
}
