package io.raidvm.common.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeCommandRunnerTest {

  @Test
  void answer_forAnExactArgv_handsOnItsLinesAndRecordsTheCall() {
    FakeCommandRunner runner = new FakeCommandRunner()
        .answer(List.of("mdadm", "--version"), 0, "", "mdadm - v4.2\n");
    List<String> lines = new ArrayList<>();

    CommandResult result = runner.run(Command.of("mdadm", "--version"), lines::add);

    assertEquals("mdadm - v4.2\n", result.stderr());
    assertEquals(List.of("mdadm - v4.2"), lines);
    assertEquals(List.of(List.of("mdadm", "--version")), runner.calls());
  }

  @Test
  void unscriptedCommand_failsTheTest_unlessTheRunnerSucceedsByDefault() {
    assertThrows(AssertionError.class, () -> new FakeCommandRunner().run(Command.of("ls")));

    FakeCommandRunner runner = FakeCommandRunner.succeeding();
    assertEquals(0, runner.run(Command.of("ls")).exitCode());
    assertEquals(List.of("ls"), runner.programs());
  }

  @Test
  void theMostPreciseScriptAnswers_exactArgv_thenLongestPrefix_thenOtherwise() {
    FakeCommandRunner runner = new FakeCommandRunner()
        .on("qemu-img", (c, lines) -> FakeCommandRunner.ok(c, "program"))
        .on(List.of("qemu-img", "info"), (c, lines) -> FakeCommandRunner.ok(c, "prefix"))
        .answer(List.of("qemu-img", "info", "a.qcow2"), 0, "exact", "")
        .otherwise((c, lines) -> FakeCommandRunner.failed(c, 3, "otherwise"));

    assertEquals("exact", runner.run(Command.of("qemu-img", "info", "a.qcow2")).stdout());
    assertEquals("prefix", runner.run(Command.of("qemu-img", "info", "b.qcow2")).stdout());
    assertEquals("program", runner.run(Command.of("qemu-img", "create")).stdout());
    assertEquals(3, runner.run(Command.of("parted")).exitCode());
    assertEquals(List.of("qemu-img", "info", "b.qcow2"), runner.calls().get(1));
    assertEquals(List.of("qemu-img", "info", "a.qcow2"), runner.argvOf("qemu-img"));
  }

  @Test
  void effect_runsBeforeTheAnswer_andMayChangeTheScript() {
    List<String> blkid = List.of("blkid", "/dev/sda");
    FakeCommandRunner runner = new FakeCommandRunner()
        .answer(blkid, 2, "", "")
        .answer(List.of("mkfs.ext4", "/dev/sda"), 0, "", "");
    runner.effect(List.of("mkfs.ext4", "/dev/sda"), () -> runner.answer(blkid, 0, "TYPE=ext4",
        ""));

    assertEquals(2, runner.run(Command.of(blkid)).exitCode());
    runner.run(Command.of("mkfs.ext4", "/dev/sda"));
    assertEquals(0, runner.run(Command.of(blkid)).exitCode());
  }

  @Test
  void missingProgram_failsAsNotInstalled_andACheckedFailureOfABehaviourIsWrapped() {
    FakeCommandRunner runner = new FakeCommandRunner().missing("mdadm")
        .on("tar", (c, lines) -> {
          throw new IOException("disk full");
        });

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> runner.run(Command.of("mdadm", "--version")));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    IllegalStateException wrapped = assertThrows(IllegalStateException.class,
        () -> runner.run(Command.of("tar", "x")));
    assertEquals("disk full", wrapped.getCause().getMessage());
    assertEquals(List.of("mdadm", "tar"), runner.programs());
    runner.clearCalls();
    assertEquals(List.of(), runner.calls());
  }
}
