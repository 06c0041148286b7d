package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.fs.FilesystemGrower;
import io.raidvm.agent.fs.MountTable;
import io.raidvm.api.agent.v1.GrowArrayRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GrowArray on the reshape captured in the guest (fixtures/guest-reshape): a RAID 5 of three
 * (sdb1, sdc1, sdd1 there) grown onto sde1 — d4's partition in both captures — then followed
 * through the captured reshape to its end.
 */
class ArrayGrowerTest {

  private static final String R2 = "guest-reshape/r2-grow-4";
  private static final List<String> ADD_SDE1 =
      List.of("mdadm", "--manage", "/dev/md127", "--add", "/dev/sde1");
  private static final List<String> GROW_TO_4 =
      List.of("mdadm", "--grow", "/dev/md127", "--raid-devices=4");
  private static final List<String> RESIZE2FS = List.of("resize2fs", "/dev/md127");

  @TempDir
  Path root;

  private MdGuest guest;
  private ArrayGrower grower;

  @BeforeEach
  void guest() {
    guest = new MdGuest(root);
    grower = new ArrayGrower(guest.context(), guest.operations,
        new FilesystemGrower(guest.runner, new MountTable(root)), root);
  }

  private String syncMax() {
    try {
      return Files.readString(root.resolve("sys/block/md127/md/sync_max")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static GrowArrayRequest.Builder md127() {
    return GrowArrayRequest.newBuilder().setArray("md127");
  }

  @Test
  void grow_addsThePartition_startsTheReshape_andFollowsItToItsEnd() throws Exception {
    guest.mdstat("guest-reshape/r1-raid5/mdstat").sysfs("guest-reshape/r1-raid5/sysfs-md127")
        .detail(R2, "reshape-after-").blank("/dev/sde1")
        .answer(ADD_SDE1, R2 + "/add")
        .answer(GROW_TO_4, R2 + "/grow")
        .thenSysfs(R2 + "/sysfs-md127-reshape-p2", R2 + "/sysfs-md127-reshape-after");
    guest.runner.effect(GROW_TO_4, () -> {
      guest.events.add("sync_max " + syncMax());
      guest.events.add(String.join(" ", GROW_TO_4));
      guest.sysfs(R2 + "/sysfs-md127-reshape").mdstat(R2 + "/mdstat-reshape-after");
    });

    guest.tree.mounted("md127", "/mnt/r");
    guest.answer(RESIZE2FS, R2 + "/resize2fs");

    Operation started = grower.grow(md127().setPartition("sde1").setGrowFilesystem(true)
        .build());
    Operation done = guest.awaitEnd(started);

    assertEquals(List.of(ADD_SDE1, GROW_TO_4), guest.mdadmCalls().stream()
        .filter(argv -> !argv.contains("--detail")).toList());
    assertEquals("grow-array", started.getKind());
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertTrue(guest.events.indexOf(String.join(" ", RESIZE2FS))
        > guest.events.indexOf(String.join(" ", GROW_TO_4)), guest.events.toString());
    assertEquals("grew ext4 at /mnt/r", done.getProgress().getPhase());
    assertEquals("sync_max 1024", guest.events.get(guest.events.indexOf(String.join(" ",
        GROW_TO_4)) - 1), "md is held at one chunk when mdadm starts the reshape");
    assertEquals(4, done.getArray().getRaidDevices());
    assertTrue(started.getResumeHint().startsWith("md goes on with the reshape in the kernel"),
        started.getResumeHint());
  }

  /**
   * mdadm 4.2 here never asked for one (fixtures/guest-reshape); its words when it does are
   * Grow.c's ("Please provide one with \"--backup-file=...\""), not captured.
   */
  @Test
  void aReshapeThatNeedsABackupFile_getsOneOnTheOsDisk_namedByTheArray() throws Exception {
    Path backup = root.resolve("var/lib/raidvm-agent/reshape/md127.backup");
    List<String> withBackup = List.of("mdadm", "--grow", "/dev/md127", "--raid-devices=4",
        "--backup-file=" + backup);
    guest.mdstat("guest-reshape/r1-raid5/mdstat").sysfs("guest-reshape/r1-raid5/sysfs-md127")
        .detail(R2, "reshape-after-").blank("/dev/sde1")
        .answer(ADD_SDE1, R2 + "/add")
        .answer(GROW_TO_4, 1, "", "mdadm: Need to backup 3072K of critical section..\n"
            + "mdadm: Please provide one with \"--backup-file=...\"\n")
        .answer(withBackup, 0, "", "")
        .thenSysfs(R2 + "/sysfs-md127-reshape-after");
    guest.runner.effect(withBackup, () -> {
      guest.events.add("sync_max " + syncMax());
      guest.sysfs(R2 + "/sysfs-md127-reshape");
    });

    Operation started = grower.grow(md127().setPartition("sde1").build());

    assertEquals(List.of(ADD_SDE1, GROW_TO_4, withBackup), guest.mdadmCalls().stream()
        .filter(argv -> !argv.contains("--detail")).toList());
    assertTrue(guest.events.contains("sync_max max"), "mdadm keeps sync_max itself with a"
        + " backup file: " + guest.events);
    assertTrue(started.getResumeHint().contains("with the backup file " + backup
        + " on the OS disk, which must stay"), started.getResumeHint());
    assertEquals(Operation.State.SUCCEEDED, guest.awaitEnd(started).getState());
  }

  @Test
  void grow_ofAnArrayThatIsReshaping_onlyFollowsIt() throws Exception {
    guest.mdstat(R2 + "/mdstat-reshape-after").sysfs(R2 + "/sysfs-md127-reshape")
        .detail(R2, "reshape-after-")
        .thenSysfs(R2 + "/sysfs-md127-reshape-after");

    Operation done = guest.awaitEnd(grower.grow(md127().setPartition("sde1").build()));

    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertEquals(List.of(), guest.mdadmCalls().stream()
        .filter(argv -> !argv.contains("--detail")).toList());
  }

  @Test
  void aNewDisk_whileAReshapeRuns_isRefused_andRunsNothing() {
    guest.sysfs(R2 + "/sysfs-md127-reshape");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> grower.grow(md127().setNewDisk("sdf").build()));

    assertEquals("md127 is reshaping (30720 / 123904 sectors) and /dev/sdf (sdf) is not one"
        + " of its members: md takes no new member while it reshapes; wait for the reshape"
        + " (raidctl raid wait VM md127), then grow again", e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void aLevelMdCannotReach_isRefused_andRunsNothing() {
    guest.sysfs("guest-reshape/r1-raid5/sysfs-md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> grower.grow(md127().setLevel("raid10").setNewDisk("sdf").build()));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().startsWith("cannot turn md127 from raid5 into raid10"),
        e.getMessage());
    assertEquals(List.of(), guest.runner.calls());
  }

  @Test
  void aNewDiskAndAPartition_isInvalidArgument_andRunsNothing() {
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> grower.grow(md127().setNewDisk("sdf").setPartition("sde1").build()));

    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertEquals(List.of(), guest.runner.calls());
  }
}
