package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.RetirePlan;
import io.raidvm.api.agent.v1.RetireStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retiring the captured RAID 5 (04) with its ext4 (05) mounted, in fstab, and in mdadm.conf as
 * step 19 wrote it: the plan changes nothing; carried out, each step in order.
 */
class ArrayRetirementTest {

  private static final String UUID = "db0609c2:27c2052f:bdc9c4d6:f961e8b0";
  private static final List<String> MEMBERS =
      List.of("/dev/sdb1", "/dev/sdc1", "/dev/sdd1", "/dev/sde1");

  @TempDir
  Path root;

  private MdGuest guest;
  private ArrayRetirement retirement;
  private String fstabLine;

  @BeforeEach
  void guest() {
    guest = new MdGuest(root);
    retirement = guest.retirement(guest.context());
    fstabLine = guest.mountedInFstab();
    guest.tree.write("etc/mdadm/mdadm.conf",
        Fixtures.read("guest/19-initramfs/mdadm.conf-with-array.stdout"));
    guest.tree.write("proc/stat", "btime 1700000000\n");
    guest.tree.write("proc/sys/kernel/osrelease", "6.1.0-50-amd64\n");
  }

  private static List<String> actions(RetirePlan plan) {
    return plan.getStepsList().stream().map(s -> s.getAction() + ": " + s.getState()).toList();
  }

  private List<List<String>> changes() {
    return guest.runner.calls().stream().filter(argv -> !argv.get(0).equals("blkid")
        && !argv.contains("--detail")).toList();
  }

  @Test
  void thePlan_listsEveryStepToDo_andChangesNothing() {
    RetirePlan plan = retirement.retire("md127", "", false);

    assertEquals(List.of("unmount /mnt/md127: TO_DO", "remove its lines from /etc/fstab: TO_DO",
        "remove its ARRAY line from /etc/mdadm/mdadm.conf: TO_DO", "stop /dev/md127: TO_DO",
        "zero the md superblock of /dev/sdb1: TO_DO", "zero the md superblock of /dev/sdc1: TO_DO",
        "zero the md superblock of /dev/sdd1: TO_DO", "zero the md superblock of /dev/sde1: TO_DO",
        "update the initramfs: TO_DO"), actions(plan));
    assertEquals(UUID, plan.getUuid());
    assertEquals(fstabLine, plan.getSteps(1).getDetail());
    assertEquals(List.of(), changes());
  }

  @Test
  void carriedOut_runsTheStepsInOrder_andLeavesNoLine() throws Exception {
    List<List<String>> commands = new java.util.ArrayList<>(List.of(
        List.of("umount", "/mnt/md127"), List.of("mdadm", "--stop", "/dev/md127")));
    MEMBERS.forEach(m -> commands.add(List.of("mdadm", "--zero-superblock", m)));
    commands.add(List.of("update-initramfs", "-u"));
    commands.forEach(argv -> guest.runner.answer(argv, 0, "", ""));

    RetirePlan done = retirement.retire("md127", "", true);

    assertTrue(done.getStepsList().stream().allMatch(s -> s.getState()
        == RetireStep.State.DONE), done.toString());
    assertEquals(Operation.State.SUCCEEDED, guest.awaitEnd(done.getInitramfs()).getState());
    assertEquals(commands, changes());
    assertFalse(Files.readString(root.resolve("etc/fstab")).contains("/mnt/md127"));
    assertEquals(Fixtures.read("guest/00-boot/mdadm.conf.stdout"),
        Files.readString(root.resolve("etc/mdadm/mdadm.conf")));
  }
}
