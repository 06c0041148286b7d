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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's systemd unit (src/main/systemd), as scripts/install-service installs it. */
class ServiceUnitTest {

  private static final Path UNIT = Path.of("src/main/systemd/raidvm-controller.service");

  @TempDir
  Path dir;

  @Test
  void theUnit_restartsOnFailure_startsAtBoot_andLeavesTheVmsRunning() throws Exception {
    List<String> lines = Files.readAllLines(UNIT);
    for (String directive : List.of("KillMode=process", "Restart=on-failure",
        "SuccessExitStatus=143", "WantedBy=multi-user.target",
        "ExecStart=/usr/bin/java -jar /usr/local/lib/raidvm/raidvm-controller.jar"
            + " $RAIDVM_CONTROLLER_OPTS")) {
      assertTrue(lines.contains(directive), "no " + directive + " in " + UNIT);
    }
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
