package io.raidvm.agent.md;

import io.raidvm.common.md.ArraySpec;
import io.raidvm.common.md.RaidLevel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.common.error.ToolException;
import io.raidvm.common.process.FakeCommandRunner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MdadmTest {

  private final FakeCommandRunner runner = new FakeCommandRunner();
  private final Mdadm mdadm = new Mdadm(runner);

  @Test
  void create_raid1WithSpareAndInternalBitmap_exactArgv() {
    List<String> argv = List.of("mdadm", "--create", "/dev/md124", "--run", "--metadata=1.2",
        "--level=1", "--raid-devices=2", "--bitmap=internal", "/dev/sdf2", "/dev/sdg2",
        "--spare-devices=1", "/dev/sdg3");
    runner.answer(argv, 0, "", "mdadm: array /dev/md124 started.\n");

    mdadm.create(Path.of("/dev/md124"),
        new ArraySpec(RaidLevel.RAID1, 0, "1.2", "", true),
        List.of(Path.of("/dev/sdf2"), Path.of("/dev/sdg2")), List.of(Path.of("/dev/sdg3")));

    assertEquals(List.of(argv), runner.calls());
  }

  @Test
  void create_raid10WithLayoutAndChunk_exactArgv() {
    List<String> argv = List.of("mdadm", "--create", "/dev/md0", "--run", "--metadata=1.2",
        "--level=10", "--raid-devices=2", "--chunk=64", "--layout=n2", "--bitmap=none",
        "/dev/sdh", "/dev/sdi");
    runner.answer(argv, 0, "", "");

    mdadm.create(Path.of("/dev/md0"), new ArraySpec(RaidLevel.RAID10, 64, "1.2", "n2", false),
        List.of(Path.of("/dev/sdh"), Path.of("/dev/sdi")), List.of());

    assertEquals(List.of(argv), runner.calls());
  }

  @Test
  void manageCalls_exactArgv() {
    for (String action : List.of("--fail", "--remove", "--add", "--re-add")) {
      runner.answer(List.of("mdadm", "--manage", "/dev/md127", action, "/dev/sdc1"), 0, "", "");
    }
    runner.answer(List.of("mdadm", "--zero-superblock", "/dev/sdc1"), 0, "", "");
    Path md = Path.of("/dev/md127");
    Path sdc1 = Path.of("/dev/sdc1");

    mdadm.fail(md, sdc1);
    mdadm.remove(md, sdc1);
    mdadm.add(md, sdc1);
    mdadm.reAdd(md, sdc1);
    mdadm.zeroSuperblock(sdc1);

    assertEquals(List.of("--fail", "--remove", "--add", "--re-add", "--zero-superblock"),
        runner.calls().stream().map(argv -> argv.get(argv.size() == 3 ? 1 : 3)).toList());
  }

  @Test
  void examine_withoutSuperblock_isEmpty() {
    runner.answer(List.of("mdadm", "--examine", "--export", "/dev/sda"), 1, "",
        Fixtures.read("guest/01-fresh-disk/mdadm-examine.stderr"));

    assertTrue(mdadm.examine(Path.of("/dev/sda")).isEmpty());
  }

  @Test
  void failure_isAToolExceptionWithMdadmsExitCodeAndStderr() {
    String stderr = Fixtures.read("guest/09-zero-superblock/zero-superblock-active-member.stderr");
    runner.answer(List.of("mdadm", "--zero-superblock", "/dev/sda1"), 2, "", stderr);

    ToolException e = assertThrows(ToolException.class,
        () -> mdadm.zeroSuperblock(Path.of("/dev/sda1")));

    assertEquals(2, e.exitCode());
    assertEquals(stderr, e.stderr());
  }

  @Test
  void busy_isRecognisedInTheCapturedRemoveFailure() {
    String stderr = Fixtures.read("guest/11-remove-busy/mdadm-fail-and-remove.stderr");

    assertTrue(Mdadm.busy(new ToolException(ToolException.Kind.FAILED_PRECONDITION,
        List.of("mdadm"), 1, stderr)));
  }

  @Test
  void busy_isNotARemoveOfWhatIsNoLongerThere() {
    String stderr = Fixtures.read("guest/11-remove-busy/mdadm-remove-frozen.stderr");

    assertFalse(Mdadm.busy(new ToolException(ToolException.Kind.FAILED_PRECONDITION,
        List.of("mdadm"), 1, stderr)));
  }
}
