package io.raidvm.common.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.ToolException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {

  private final ProcessRunner runner = new ProcessRunner();

  @Test
  void run_capturesExitCodeStdoutAndStderrSeparately() {
    CommandResult r = runner.run(Command.of("sh", "-c", "echo out; echo err >&2; exit 3"));
    assertEquals(3, r.exitCode());
    assertEquals("out\n", r.stdout());
    assertEquals("err\n", r.stderr());
  }

  @Test
  void run_passesArgumentsVerbatim_withoutAShell() {
    CommandResult r = runner.run(Command.of("printf", "%s|", "a b", "$(id)", ";rm -rf /"));
    assertEquals("a b|$(id)|;rm -rf /|", r.stdout());
  }

  @Test
  void run_givesTheProgramAnEmptyStdin_soNothingWaitsOnAPrompt() {
    CommandResult r = runner.run(Command.of("cat").withTimeout(Duration.ofSeconds(5)));
    assertEquals(0, r.exitCode());
    assertEquals("", r.stdout());
  }

  @Test
  void run_addsTheCommandsVariablesToTheInheritedEnvironment() {
    CommandResult r = runner.run(Command.of("sh", "-c", "printf '%s|%s' \"$RAIDVM_X\" \"$PATH\"")
        .withEnv(java.util.Map.of("RAIDVM_X", "a b; $(id)")));
    assertEquals("a b; $(id)|" + System.getenv("PATH"), r.stdout());
  }

  @Test
  void run_withFixedAddresses_turnsRandomizationOffForTheProgramAndWhatItStarts() {
    // The kernel shows a process's personality in hex; ADDR_NO_RANDOMIZE is 0x0040000.
    Command personality = Command.of("sh", "-c", "cat /proc/self/personality");
    CommandResult fixed = runner.run(personality.withFixedAddresses());
    CommandResult usual = runner.run(personality);
    assertEquals(0x0040000, Integer.parseInt(fixed.stdout().strip(), 16) & 0x0040000);
    assertEquals(0, Integer.parseInt(usual.stdout().strip(), 16) & 0x0040000);
    assertEquals(personality.argv(), fixed.argv());
  }

  @Test
  void startDetached_withFixedAddresses_turnsRandomizationOffToo(@TempDir Path dir)
      throws Exception {
    Path output = dir.resolve("out");
    Process process = runner.startDetached(Command.of("sh", "-c", "cat /proc/self/personality")
        .withFixedAddresses(), output);

    assertTrue(process.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0x0040000, Integer.parseInt(Files.readString(output).strip(), 16) & 0x0040000);
  }

  @Test
  void run_feedsStdinWhenGiven() {
    CommandResult r = runner.run(Command.of("cat").withStdin("yes\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals("yes\n", r.stdout());
  }

  @Test
  void run_handsEveryLineToTheCallbackAsItComes() {
    List<String> lines = new ArrayList<>();
    runner.run(Command.of("sh", "-c", "echo one; echo two >&2"), lines::add);
    assertTrue(lines.containsAll(List.of("one", "two")), lines.toString());
  }

  @Test
  void run_killsAProgramThatOutlivesItsTimeout() {
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> runner.run(Command.of("sleep", "30").withTimeout(Duration.ofMillis(300))));
    assertEquals(RaidvmException.Kind.DEADLINE_EXCEEDED, e.kind());
    assertTrue(e.getMessage().startsWith("sleep did not finish within"), e.getMessage());
  }

  @Test
  void run_namesTheDebianPackageOfAMissingProgram() {
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> runner.run(Command.of("/nonexistent/qemu-img", "info")));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("qemu-img is not installed: install the Debian package qemu-utils"
        + " (apt-get install qemu-utils)", e.getMessage());
  }

  @Test
  void orThrow_carriesTheCommandExitCodeAndStderr() {
    CommandResult r = runner.run(Command.of("sh", "-c", "echo 'no such disk' >&2; exit 2"));
    ToolException e = assertThrows(ToolException.class, r::orThrow);
    assertEquals(2, e.exitCode());
    assertEquals("sh failed (exit 2): no such disk [command: sh -c echo 'no such disk' >&2;"
        + " exit 2]", e.getMessage());
  }

  @Test
  void run_restoresTheInterruptFlagWhenInterrupted() {
    Thread.currentThread().interrupt();
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> runner.run(Command.of("sleep", "5")));
    assertEquals(RaidvmException.Kind.CANCELLED, e.kind());
    assertTrue(Thread.interrupted());
  }
}
