package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.testing.ArgvDifference;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemberManagerTest {

  private static final List<String> FAIL_SDC1 =
      List.of("mdadm", "--manage", "/dev/md127", "--fail", "/dev/sdc1");
  private static final List<String> REMOVE_SDC1 =
      List.of("mdadm", "--manage", "/dev/md127", "--remove", "/dev/sdc1");
  private static final List<String> ZERO_SDC1 = List.of("mdadm", "--zero-superblock", "/dev/sdc1");
  private static final List<String> ADD_SDC1 =
      List.of("mdadm", "--manage", "/dev/md127", "--add", "/dev/sdc1");

  /** d1's session, captured on /dev/sdb, stands for the new disk's, made alike on sdc. */
  private static ArgvDifference d1SessionAsSdcs() {
    return ArgvDifference.because("d1's partitioning, captured on sdb, stands for sdc's")
        .renamed("/dev/sdb", "/dev/sdc");
  }

  /** A removed d2 still has md127's superblock, as d1's captured one: the same array. */
  private static ArgvDifference d1SuperblockAsD2s() {
    return ArgvDifference.because("d1's superblock stands for removed d2's: the same array")
        .renamed(MdGuest.BY_ID_PREFIX + "d1-part1", "/dev/sdc1");
  }

  @TempDir
  Path root;

  private MdGuest guest;
  private MdContext md;
  private MemberManager members;

  @BeforeEach
  void guest() {
    guest = new MdGuest(root);
    md = guest.context();
    members = new MemberManager(md);
  }

  /** What the refusal says of md127 in 07-fail (sdc1 failed) without sdb1 too. */
  private static final String WITHOUT_SDB1 = "md127 is raid5 with 4 member slots, 3 working"
      + " (sdb1, sdd1, sde1), 1 already failed, missing or rebuilding; without it 2 would be"
      + " left, and raid5 survives the loss of at most 1: the array would fail and its data be"
      + " lost. Rebuild the missing member first; to do it anyway pass allow_data_loss (raidctl"
      + " --allow-data-loss), never force";

  private static final List<String> FAIL_SDB1 =
      List.of("mdadm", "--manage", "/dev/md127", "--fail", "/dev/sdb1");

  @Test
  void fail_aSecondMemberOfADegradedRaid5_isRefused_namingWhatIsLeft_andRunsNothing() {
    guest.sysfs("07-fail/sysfs-md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> members.fail("md127", "d1-part1", false));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("cannot fail /dev/sdb1 (d1-part1): " + WITHOUT_SDB1, e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void fail_aSecondMember_withAllowDataLoss_runsMdadm() {
    guest.sysfs("07-fail/sysfs-md127").mdstat("07-fail/mdstat").detail("07-fail", "")
        .answer(FAIL_SDB1, 0, "", "mdadm: set /dev/sdb1 faulty in /dev/md127\n");

    members.fail("md127", "d1-part1", true);

    assertEquals(List.of(FAIL_SDB1), guest.mdadmCalls().subList(0, 1));
  }

  @Test
  void fail_whileAnotherCallChangesTheArray_isAborted_andRunsNothing() {
    guest.sysfs("04-raid5-synced/sysfs-md127");
    try (var other = md.locks().acquire("ReplaceMember /dev/sdd1 of /dev/md127",
        List.of("md127", "sdd"))) {

      RaidvmException e = assertThrows(RaidvmException.class,
          () -> members.fail("md127", "sdc1", false));

      assertEquals(Kind.ABORTED, e.kind());
      assertTrue(e.getMessage().startsWith("/dev/md127 is busy: ReplaceMember /dev/sdd1 of"
          + " /dev/md127"), e.getMessage());
    }
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void fail_twoAtOnceOnOneRaid5_oneProceeds_theOtherIsRefused() throws Exception {
    guest.sysfs("04-raid5-synced/sysfs-md127").mdstat("07-fail/mdstat").detail("07-fail", "");
    java.util.concurrent.CountDownLatch inMdadm = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    guest.runner.answer(FAIL_SDC1, 0, "", "");
    guest.runner.effect(FAIL_SDC1, () -> {
      inMdadm.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      guest.sysfs("07-fail/sysfs-md127");
    });
    var first = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> members.fail("md127", "sdc1", false));
    inMdadm.await();

    RaidvmException second = assertThrows(RaidvmException.class,
        () -> members.fail("md127", "d1-part1", false));
    release.countDown();
    first.get();

    assertEquals(Kind.ABORTED, second.kind());
    assertEquals(List.of(FAIL_SDC1), guest.mdadmCalls().stream()
        .filter(argv -> argv.contains("--fail")).toList());
  }

  @Test
  void replace_withAPartitionAsTheNewDisk_isRefusedBeforeAnythingRuns() {
    guest.sysfs("04-raid5-synced/sysfs-md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> members.replace("md127", "d2-part1", "sdf1", true, false));

    assertEquals(Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("/dev/sdf1 (sdf1) is a partition: give its whole disk, /dev/sdf",
        e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void replace_withANewDiskInUse_isRefusedEvenWithForce_beforeAnythingRuns() {
    guest.sysfs("04-raid5-synced/sysfs-md127");
    guest.tree.disk("md126").holder("sdf1", "md126");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> members.replace("md127", "d2-part1", "sdf", true, false));

    assertEquals("cannot partition /dev/sdf (sdf): /dev/sdf1 on it is a member of the md array"
        + " /dev/md126; a device in use is refused even with force", e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void replace_withASmallerNewDisk_isRefusedBeforeAnythingRuns() {
    guest.sysfs("04-raid5-synced/sysfs-md127");
    guest.tree.write("sys/class/block/sdc1/size", "128991\n");
    guest.tree.write("sys/class/block/sdf/size", "65536\n");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> members.replace("md127", "d2-part1", "sdf", true, false));

    assertEquals("cannot replace /dev/sdc1 (d2-part1) with /dev/sdf (sdf): its partition would be"
        + " 63455 sectors, the member it replaces has 128991; give a disk at least as large as"
        + " /dev/sdc", e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void replace_whoseAddFails_saysWhatWasDone_whereTheArrayStands_andHowToGoOn() {
    takesSdc1OutAndRepartitionsSdc(guest.mdstat("04-raid5-synced/mdstat")
        .sysfs("04-raid5-synced/sysfs-md127"))
        .answer(ADD_SDC1, 1, "", "mdadm: add new device failed for /dev/sdc1 as 4: Invalid"
            + " argument\n");
    guest.runner.effect(REMOVE_SDC1, () -> guest.sysfs("08-remove/sysfs-md127"));

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> members.replace("md127", "d2-part1", "", false, false));

    assertTrue(e.getMessage().startsWith("replace of /dev/sdc1 (d2-part1) in md127 stopped at"
        + " \"add /dev/sdc1\": "), e.getMessage());
    assertTrue(e.getMessage().endsWith(". Done before it: fail /dev/sdc1, remove /dev/sdc1, zero"
        + " the superblock of /dev/sdc1, partition /dev/sdc. md127 is now raid5, 3 of 4 member"
        + " slots working (degraded), array_state clean. To go on: finish by hand: raidctl raid"
        + " add VM md127 /dev/sdc1"), e.getMessage());
  }

  /**
   * The capture (11-remove-busy) provoked the busy remove as {@code --fail X --remove X} in one
   * call during d2's recovery: its answer, whose stderr also says the fail, answers the first
   * remove here. The plain {@code --remove} right after it already worked there (md had reaped
   * the recovery thread), so it answers the remove after frozen; the capture's remove after
   * frozen found nothing left to remove. No snapshot caught sdc1 faulty between the two: 07-fail
   * (sdc1 faulty, no sync) stands for that moment.
   */
  @Test
  void remove_whenTheKernelSaysBusy_freezesTheSync_removes_andSetsItBackToIdle() {
    guest.mdstat("07-fail/mdstat").sysfs("07-fail/sysfs-md127")
        .detail("11-remove-busy", "removed-");
    guest.answer(REMOVE_SDC1, "11-remove-busy/mdadm-fail-and-remove",
        ArgvDifference.because("the capture failed and removed in one call; the agent removes"
            + " a member failed before").dropped("--fail", "/dev/sdc1"));
    guest.runner.effect(REMOVE_SDC1, () -> {
      guest.events.add(String.join(" ", REMOVE_SDC1));
      guest.answer(REMOVE_SDC1, "11-remove-busy/mdadm-remove");
      guest.runner.effect(REMOVE_SDC1, () -> {
        guest.events.add(String.join(" ", REMOVE_SDC1));
        guest.mdstat("11-remove-busy/mdstat-after-fail")
            .sysfs("11-remove-busy/sysfs-md127-after-fail");
      });
    });

    Array array = members.remove("md127", "d2-part1");

    assertEquals(List.of(String.join(" ", REMOVE_SDC1), "write frozen to md127 sync_action",
        String.join(" ", REMOVE_SDC1), "write idle to md127 sync_action"), guest.events);
    assertEquals(3, array.getMembersCount());
  }

  @Test
  void remove_notBusy_runsOneRemove_andTouchesNoSyncAction() {
    guest.mdstat("07-fail/mdstat").sysfs("07-fail/sysfs-md127").detail("08-remove", "")
        .answer(REMOVE_SDC1, 0, "", "mdadm: hot removed /dev/sdc1 from /dev/md127\n");

    members.remove("md127", "sdc1");

    assertEquals(List.of(String.join(" ", REMOVE_SDC1)), guest.events);
  }

  @Test
  void remove_anActiveMember_isFailedPrecondition_andRunsNothing() {
    guest.sysfs("04-raid5-synced/sysfs-md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> members.remove("md127", "sdc1"));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("cannot remove /dev/sdc1 (sdc1): it is an active member of md127; fail it first",
        e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void fail_aDeviceThatIsNoMember_isFailedPrecondition_andRunsNothing() {
    guest.sysfs("04-raid5-synced/sysfs-md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> members.fail("md127", "sdf1", false));

    assertEquals("/dev/sdf1 (sdf1) is not a member of md127", e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void fail_marksTheMemberFaulty() {
    guest.sysfs("04-raid5-synced/sysfs-md127").mdstat("07-fail/mdstat").detail("07-fail", "")
        .answer(FAIL_SDC1, 0, "", "mdadm: set /dev/sdc1 faulty in /dev/md127\n");
    guest.runner.effect(FAIL_SDC1, () -> guest.sysfs("07-fail/sysfs-md127"));

    Array array = members.fail("md127", "sdc1", false);

    assertEquals(List.of(FAIL_SDC1), guest.mdadmCalls().subList(0, 1));
    assertEquals("faulty", array.getMembersList().stream()
        .filter(m -> m.getDevice().equals("/dev/sdc1")).findFirst().orElseThrow().getState());
  }

  @Test
  void zeroSuperblock_ofAMember_isRefused_evenWithForce_andRunsNothing() {
    guest.mdstat("04-raid5-synced/mdstat").tree.holder("sdb1", "md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> members.zeroSuperblock("d1-part1", true));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("cannot zero the md superblock of /dev/sdb1 (d1-part1): it is a member of the md"
        + " array /dev/md127; a device in use is refused even with force", e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void zeroSuperblock_ofTheOsDisk_isRefusedEvenWithForce() {
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> members.zeroSuperblock("sda1", true));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void add_aDeviceWithThisArraysSuperblock_reAddsIt() throws Exception {
    guest.mdstat("08-remove/mdstat").sysfs("08-remove/sysfs-md127").detail("04-raid5-synced", "")
        .answer(List.of("mdadm", "--examine", "--export", "/dev/sdc1"),
            "04-raid5-synced/examine-export", d1SuperblockAsD2s())
        .answer(List.of("mdadm", "--examine", "/dev/sdc1"), "04-raid5-synced/examine",
            d1SuperblockAsD2s())
        .answer(List.of("mdadm", "--manage", "/dev/md127", "--re-add", "/dev/sdc1"), 0, "",
            "mdadm: re-added /dev/sdc1\n");
    guest.runner.effect(List.of("mdadm", "--manage", "/dev/md127", "--re-add", "/dev/sdc1"),
        () -> guest.sysfs("04-raid5-synced/sysfs-md127"));

    Operation op = guest.awaitEnd(members.add("md127", "d2-part1", false));

    assertEquals("add-member", op.getKind());
    assertEquals(Operation.State.SUCCEEDED, op.getState(), op.getErrorMessage());
    assertEquals(List.of(List.of("mdadm", "--manage", "/dev/md127", "--re-add", "/dev/sdc1")),
        guest.mdadmCalls().stream().filter(argv -> argv.contains("--manage")).toList());
  }

  @Test
  void add_anActiveMember_isFailedPrecondition_andRunsNothing() {
    guest.mdstat("04-raid5-synced/mdstat").sysfs("04-raid5-synced/sysfs-md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> members.add("md127", "d1-part1", true));

    assertEquals("/dev/sdb1 (d1-part1) is already a member of md127", e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void replace_failsRemovesZeroesRepartitionsAndAdds_thenFollowsTheRecovery() throws Exception {
    guest.mdstat("04-raid5-synced/mdstat").sysfs("04-raid5-synced/sysfs-md127")
        .detail("12-readd", "healthy-");
    takesSdc1OutAndRepartitionsSdc(guest)
        .answer(ADD_SDC1, "10-recovery/mdadm-add")
        .thenSysfsOver("10-recovery/sysfs-md127", "10-recovery/sysfs-md127-p2",
            "12-readd/sysfs-md127-healthy");
    guest.runner.effect(ADD_SDC1, () -> {
      guest.events.add(String.join(" ", ADD_SDC1));
      guest.sysfs("10-recovery/sysfs-md127");
    });

    Operation started = members.replace("md127", "d2-part1", "", false, false);
    Operation done = guest.awaitEnd(started);

    assertEquals(List.of(FAIL_SDC1, REMOVE_SDC1, ZERO_SDC1, ADD_SDC1), guest.mdadmCalls()
        .stream().filter(argv -> !argv.contains("--detail")).toList());
    assertEquals("replace-member", started.getKind());
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertEquals("recover", done.getProgress().getPhase());
  }

  @Test
  void replace_onADegradedArray_anActiveMember_isFailedPrecondition_andRunsNothing() {
    guest.sysfs("07-fail/sysfs-md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> members.replace("md127", "sdb1", "", false, false));

    assertEquals("cannot replace /dev/sdb1 (sdb1): " + WITHOUT_SDB1, e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void replace_onASharedDisk_isFailedPrecondition_andRunsNothing() {
    guest.tree.partition("sdc", "sdc2");
    guest.sysfs("04-raid5-synced/sysfs-md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> members.replace("md127", "sdc1", "", false, false));

    assertEquals("cannot re-partition /dev/sdc (sdc) for md127: it also holds sdc2; give a new"
        + " disk", e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void replace_ofAMemberGoneAlready_addsTheNewDisksBlankPartition_andFollowsTheRecovery()
      throws Exception {
    // 08-remove: sdc1 is out of md127 (one slot missing), as after a pull of the disk d9 whose
    // partition was a member (md dropped it, the guest has no d9 any more); sdc, the new disk,
    // has one partition, blank (as a replace that stopped after partitioning leaves it).
    guest.mdstat("04-raid5-synced/mdstat").sysfs("08-remove/sysfs-md127")
        .detail("12-readd", "healthy-").blank("/dev/sdc1")
        .answer(ADD_SDC1, "10-recovery/mdadm-add")
        .thenSysfsOver("10-recovery/sysfs-md127", "10-recovery/sysfs-md127-p2",
            "12-readd/sysfs-md127-healthy");
    guest.runner.effect(ADD_SDC1, () -> guest.sysfs("10-recovery/sysfs-md127"));

    Operation started = members.replace("md127", "d9-part1", "sdc", false, false);
    Operation done = guest.awaitEnd(started);

    assertEquals(List.of(ADD_SDC1), guest.mdadmCalls().stream()
        .filter(argv -> !argv.contains("--detail")).toList());
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());

    // Run again once the new partition is a member: nothing more runs, the recovery is followed.
    guest.runner.clearCalls();
    guest.sysfs("10-recovery/sysfs-md127", "12-readd/sysfs-md127-healthy");
    Operation again = guest.awaitEnd(members.replace("md127", "d9-part1", "sdc", false, false));
    assertEquals(Operation.State.SUCCEEDED, again.getState(), again.getErrorMessage());
    assertEquals(List.of(), guest.mdadmCalls().stream()
        .filter(argv -> !argv.contains("--detail")).toList());
  }

  @Test
  void replace_ofAGoneMember_inAnArrayThatMissesNone_isRefused_andRunsNothing() {
    guest.sysfs("04-raid5-synced/sysfs-md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> members.replace("md127", "d9-part1", "sdf", false, false));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().startsWith("d9-part1 is not a member of md127, and md127 misses"
        + " no member (raid5, 4 of 4 member slots working"), e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
    assertEquals("d9-part1 is not a member of md127 (any more): name the disk to put in its"
        + " place (raidctl raid replace … --new-disk DISK)", assertThrows(RaidvmException.class,
            () -> members.replace("md127", "d9-part1", "", false, false)).getMessage());
  }

  /** A replace's steps before the add: fail, remove, zero sdc1, then a new label on sdc. */
  private MdGuest takesSdc1OutAndRepartitionsSdc(MdGuest md) {
    return md
        .answer(FAIL_SDC1, 0, "", "")
        .answer(REMOVE_SDC1, 0, "", "")
        .answer(ZERO_SDC1, 0, "", "")
        .answer(List.of("parted", "-m", "-s", "-a", "optimal", "/dev/sdc", "mklabel", "gpt",
            "unit", "s", "mkpart", "primary", "2048s", "100%", "set", "1", "raid", "on", "print",
            "align-check", "opt", "1"), "02-partition/parted-session", d1SessionAsSdcs())
        .answer(List.of("udevadm", "settle", "--timeout=60"), 0, "", "");
  }
}
