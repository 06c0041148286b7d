package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.StopArrayResponse;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping the captured RAID 5 with its ext4 (05-mkfs-mount) mounted and in fstab. */
class ArrayStopperTest {

  private static final List<String> STOP = List.of("mdadm", "--stop", "/dev/md127");
  private static final List<String> UMOUNT = List.of("umount", "/mnt/md127");

  @TempDir
  Path root;

  private MdGuest guest;
  private ArrayStopper stopper;
  private String fstabLine;

  @BeforeEach
  void guest() {
    guest = new MdGuest(root);
    stopper = guest.stopper(guest.context());
    fstabLine = guest.mountedInFstab();
  }

  @Test
  void mountedAndInFstab_isRefused_namingBoth_andNothingIsUnmountedOrStopped() {
    RaidvmException e = assertThrows(RaidvmException.class, () -> stopper.stop("md127", false));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("cannot stop md127: it is mounted on /mnt/md127, and /etc/fstab mounts it at"
        + " boot ('" + fstabLine + "'). Pass also_unmount (raidctl raid stop --also-unmount) to"
        + " unmount it first, or retire it (raidctl raid retire) to take it out of fstab too",
        e.getMessage());
    assertEquals(List.of(), guest.events);
  }

  @Test
  void heldByAnotherDevice_isRefused_evenWithAlsoUnmount() {
    guest.tree.disk("dm-0").holder("md127", "dm-0");

    RaidvmException e = assertThrows(RaidvmException.class, () -> stopper.stop("md127", true));

    assertEquals("cannot stop md127: dm-0 is built on it (LVM, another array or"
        + " device-mapper); take that down first", e.getMessage());
    assertEquals(List.of(), guest.events);
  }

  @Test
  void whileMdReshapesIt_isRefused_evenWithAlsoUnmount_andNothingIsTouched() throws IOException {
    Files.writeString(root.resolve("proc/mdstat"),
        Fixtures.read("guest-reshape/r5-chunk/mdstat-reshape.stdout"));

    RaidvmException e = assertThrows(RaidvmException.class, () -> stopper.stop("md127", true));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().startsWith("cannot stop md127: md is reshaping md127 (4.9 %"
        + " done)."), e.getMessage());
    assertEquals(List.of(), guest.events);
  }

  @Test
  void alsoUnmount_unmountsFirst_thenStops_andNamesTheUuid() {
    guest.answer(UMOUNT, 0, "", "").answer(STOP, "18-inactive/stop");

    StopArrayResponse stopped = stopper.stop("md127", true);

    assertEquals(List.of(String.join(" ", UMOUNT), String.join(" ", STOP)), guest.events);
    assertEquals("db0609c2:27c2052f:bdc9c4d6:f961e8b0", stopped.getUuid());
    assertEquals(List.of("/mnt/md127"), stopped.getUnmountedList());
    assertEquals(4, stopped.getMembersCount());
  }

  @Test
  void aBusyFilesystem_stopsEverything_beforeTheArrayIsTouched() {
    // Captured in a shell inside the mount point (sh -c 'cd /mnt/md127 && umount …').
    guest.answer(UMOUNT, Integer.parseInt(Fixtures.read("guest/16-errors/umount-busy.exit")
        .strip()), "", Fixtures.read("guest/16-errors/umount-busy.stderr"));

    RaidvmException e = assertThrows(RaidvmException.class, () -> stopper.stop("md127", true));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals(List.of(String.join(" ", UMOUNT)), guest.events);
  }
}
