package io.raidvm.agent.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.FakeCommandRunner;
import java.util.List;
import org.junit.jupiter.api.Test;

class FixturesTest {

  private final FakeCommandRunner runner = new FakeCommandRunner();

  @Test
  void answerAsCaptured_ofAnotherCommand_failsNamingBothArgvs() {
    AssertionError e = assertThrows(AssertionError.class, () -> Fixtures.answerAsCaptured(runner,
        List.of("mkfs.ext4", "-L", "data", "/dev/sdc1"), "05-mkfs-mount/mkfs"));

    assertEquals("argv answered as 05-mkfs-mount/mkfs is not the captured one\n"
        + "  captured: [mkfs.ext4, -F, /dev/md127]\n"
        + "  answered: [mkfs.ext4, -L, data, /dev/sdc1]", e.getMessage());
  }

  @Test
  void answerAsCapturedFor_withTheDeclaredDifferences_answersAsCaptured() {
    Fixtures.answerAsCapturedFor(runner, List.of("mkfs.ext4", "-L", "data", "/dev/sdc1"),
        "17-fsck/mkfs-without-F",
        ArgvDifference.because("test").renamed("/dev/md127", "/dev/sdc1").added("-L", "data"));

    CommandResult result = runner.run(Command.of("mkfs.ext4", "-L", "data", "/dev/sdc1"),
        line -> { });

    assertEquals(0, result.exitCode());
    assertEquals(Fixtures.read("guest/17-fsck/mkfs-without-F.stdout"), result.stdout());
  }

  @Test
  void answerAsCapturedFor_aDifferenceNotDeclared_fails() {
    AssertionError e = assertThrows(AssertionError.class, () -> Fixtures.answerAsCapturedFor(
        runner, List.of("mkfs.ext4", "-F", "/dev/sdc1"), "17-fsck/mkfs-without-F",
        ArgvDifference.because("test").renamed("/dev/md127", "/dev/sdc1")));

    assertEquals("argv answered as 17-fsck/mkfs-without-F (declared: test): they differ beyond"
        + " what is declared\n  captured: [mkfs.ext4, /dev/md127]\n"
        + "  answered: [mkfs.ext4, -F, /dev/sdc1]", e.getMessage());
  }

  @Test
  void answerAsCapturedFor_withPartOfTheCapturedCommandDropped_answersAsCaptured() {
    String d2 = "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_d2-part1";
    List<String> remove = List.of("mdadm", "--manage", "/dev/md127", "--remove", d2);
    Fixtures.answerAsCapturedFor(runner, remove, "11-remove-busy/mdadm-fail-and-remove",
        ArgvDifference.because("test").dropped("--fail", d2));

    CommandResult result = runner.run(Command.of(remove.toArray(String[]::new)), line -> { });

    assertEquals(1, result.exitCode());
    assertEquals(Fixtures.read("guest/11-remove-busy/mdadm-fail-and-remove.stderr"),
        result.stderr());
  }

  @Test
  void answerAsCapturedFor_droppingWhatTheCaptureHasNot_fails() {
    AssertionError e = assertThrows(AssertionError.class, () -> Fixtures.answerAsCapturedFor(
        runner, List.of("mkfs.ext4", "/dev/md127"), "17-fsck/mkfs-without-F",
        ArgvDifference.because("test").dropped("-F")));

    assertEquals("argv answered as 17-fsck/mkfs-without-F (declared: test): the capture has no"
        + " [-F]\n  captured: [mkfs.ext4, /dev/md127]\n"
        + "  answered: [mkfs.ext4, /dev/md127]", e.getMessage());
  }

  @Test
  void answerAsCapturedFor_aDeclaredDifferenceThatIsNotThere_fails() {
    AssertionError e = assertThrows(AssertionError.class, () -> Fixtures.answerAsCapturedFor(
        runner, List.of("mkfs.ext4", "/dev/md127"), "17-fsck/mkfs-without-F",
        ArgvDifference.because("test").added("-L", "data")));

    assertEquals("argv answered as 17-fsck/mkfs-without-F (declared: test): the answered argv has"
        + " no [-L, data]\n  captured: [mkfs.ext4, /dev/md127]\n"
        + "  answered: [mkfs.ext4, /dev/md127]", e.getMessage());
  }
}
