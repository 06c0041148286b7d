package io.raidvm.agent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.testing.SteppingClock;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class TestFilesTest {

  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant LATER = NOW.plusSeconds(60);
  private static final long MIB = 1 << 20;

  @TempDir
  Path dir;

  private DataTree tree;
  private TestFiles files;

  @BeforeEach
  void guest() throws Exception {
    tree = new DataTree(dir);
    files = files(FsSpace::of, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private TestFiles files(Function<Path, FsSpace> space, Clock clock) {
    return new TestFiles(dir, new DataFilesystems(dir, new DeviceResolver(dir)), space, clock);
  }

  @Test
  void write_thenChecksum_giveTheSameDigest_andTheSameSeedGivesTheSameBytes() throws Exception {
    FileChecksum a = files.write("/mnt/md127/a.bin", 3_000_000, 7, LATER);
    FileChecksum b = files.write("/mnt/md127/b.bin", 3_000_000, 7, LATER);

    assertEquals("/mnt/md127/a.bin", a.getPath());
    assertEquals(a.getSha256(), b.getSha256());
    assertEquals(3_000_000, Files.size(dir.resolve("mnt/md127/a.bin")));
    assertEquals(List.of(a, b), files.checksums("/mnt/md127", LATER));
    assertEquals(List.of(a), files.checksums("/mnt/md127/a.bin", LATER));
  }

  @Test
  void write_throughASymlinkedParent_onADataFilesystem_isAllowed() {
    tree.link("srv/data", "../mnt/md127");

    FileChecksum f = files.write("/srv/data/c.bin", 1000, 1, LATER);

    assertEquals("/srv/data/c.bin", f.getPath());
    assertTrue(Files.exists(dir.resolve("mnt/md127/c.bin")));
  }

  @Test
  void write_refusesToOverwrite_andLeavesTheFileAsItWas() throws Exception {
    Path f = dir.resolve("mnt/md127/keep.bin");
    Files.writeString(f, "precious");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> files.write("/mnt/md127/keep.bin", 10, 1, LATER));

    assertEquals(Kind.ALREADY_EXISTS, e.kind());
    assertEquals("/mnt/md127/keep.bin exists already: test files are never overwritten",
        e.getMessage());
    assertEquals("precious", Files.readString(f));
  }

  @Test
  void write_overASymlink_isRefused_andItsTargetIsNotCreated() {
    tree.link("mnt/md127/link", "../../srv/target");

    assertRefused(Kind.ALREADY_EXISTS, "exists already",
        () -> files.write("/mnt/md127/link", 10, 1, LATER));
    assertFalse(Files.exists(dir.resolve("srv/target")));
  }

  @Test
  void write_onTmpfs_isRefused_andNothingIsWritten() {
    assertRefused(Kind.FAILED_PRECONDITION, "/dev/shm/p1 is on tmpfs (tmpfs on /dev/shm), not"
        + " on a block device: test files go only on a data filesystem",
        () -> files.write("/dev/shm/p1", 10, 1, LATER));
    assertEquals(List.of(), tree.files("dev/shm"));
  }

  @Test
  void write_whoseParentIsASymlinkToTmpfs_isRefused_andNothingIsWritten() {
    tree.link("mnt/md127/shm", "../../dev/shm");

    assertRefused(Kind.FAILED_PRECONDITION, "/dev/shm/x is on tmpfs",
        () -> files.write("/mnt/md127/shm/x", 10, 1, LATER));
    assertEquals(List.of(), tree.files("dev/shm"));
  }

  @Test
  void write_onTheRootFilesystem_isRefused_andNothingIsWritten() {
    assertRefused(Kind.FAILED_PRECONDITION, "/srv/x.bin is on /dev/sda1 (ext4 on /), the"
        + " guest's root filesystem", () -> files.write("/srv/x.bin", 10, 1, LATER));
    assertFalse(Files.exists(dir.resolve("srv/x.bin")));
  }

  @Test
  void write_onABindMountOfTheRootFilesystem_isRefused() {
    assertRefused(Kind.FAILED_PRECONDITION, "(ext4 on /mnt/rootbind), the guest's root"
        + " filesystem", () -> files.write("/mnt/rootbind/x", 10, 1, LATER));
    assertEquals(List.of(), tree.files("mnt/rootbind"));
  }

  @Test
  void write_onBoot_orElsewhereOnTheOsDisk_isRefused() {
    assertRefused(Kind.FAILED_PRECONDITION, "/boot/x is on /dev/sda2 (ext4 on /boot), the"
        + " guest's boot filesystem", () -> files.write("/boot/x", 10, 1, LATER));
    assertRefused(Kind.FAILED_PRECONDITION, "/mnt/os3/x is on /dev/sda3 (ext4 on /mnt/os3), on"
        + " the OS disk (sda)", () -> files.write("/mnt/os3/x", 10, 1, LATER));
    assertEquals(List.of(), tree.files("boot"));
    assertEquals(List.of(), tree.files("mnt/os3"));
  }

  @Test
  void write_onOverlay_isRefused() {
    assertRefused(Kind.FAILED_PRECONDITION, "is on overlay (overlay on /mnt/overlay), not on a"
        + " block device", () -> files.write("/mnt/overlay/x", 10, 1, LATER));
    assertEquals(List.of(), tree.files("mnt/overlay"));
  }

  @Test
  void write_largerThanTheFreeSpaceLessItsMargin_isRefused_andNothingIsWritten() {
    TestFiles small = files(p -> new FsSpace(100 * MIB, 10 * MIB), Clock.fixed(NOW,
        ZoneOffset.UTC));

    assertRefused(Kind.FAILED_PRECONDITION, "/mnt/md127/big: 6291456 bytes do not fit: the"
        + " filesystem has 10485760 bytes free and keeps 5 % of its size (at least 1 MiB) free",
        () -> small.write("/mnt/md127/big", 6 * MIB, 1, LATER));
    assertEquals(List.of(), tree.files("mnt/md127"));
    assertEquals(5 * MIB, small.write("/mnt/md127/fits", 5 * MIB, 1, LATER).getSizeBytes());
  }

  @Test
  void write_pastTheDeadline_stops_andRemovesWhatItWrote() {
    TestFiles slow = files(FsSpace::of, SteppingClock.ticking(NOW, Duration.ofSeconds(1)));

    assertRefused(Kind.DEADLINE_EXCEEDED, "stopped at /mnt/md127/slow: the call's deadline"
        + " passed", () -> slow.write("/mnt/md127/slow", 5 * MIB, 1, NOW.plusSeconds(3)));
    assertEquals(List.of(), tree.files("mnt/md127"));
  }

  @Test
  void badPathsAndSizes_areInvalidArguments_andNothingIsWritten() {
    for (String p : new String[] {"", "relative/x", "/mnt/../etc/x", "/mnt/md127/./x",
        "/mnt/md127//x", "/mnt/md127/x/", "/", "/mnt/md127/a\0b"}) {
      assertEquals(Kind.INVALID_ARGUMENT,
          assertThrows(RaidvmException.class, () -> files.write(p, 10, 1, LATER), p).kind(), p);
    }
    for (long size : new long[] {0, -1, (1L << 30) + 1}) {
      assertRefused(Kind.INVALID_ARGUMENT, "out of range: 1 byte to 1 GiB",
          () -> files.write("/mnt/md127/big", size, 1, LATER));
    }
    assertEquals(List.of(), tree.files("mnt/md127"));
  }

  @Test
  void write_inAMissingDirectory_isNotFound() {
    assertRefused(Kind.NOT_FOUND, "/mnt/none does not exist: mount the data filesystem first",
        () -> files.write("/mnt/none/x", 10, 1, LATER));
  }

  @Test
  void checksums_ofProcFiles_areRefusedBeforeOpeningThem() throws Exception {
    tree.fifo("proc/kmsg");
    tree.write("proc/self/status", "Name:\tjava\n");

    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      assertRefused(Kind.FAILED_PRECONDITION, "/proc/kmsg is on proc (proc on /proc), not on a"
          + " block device", () -> files.checksums("/proc/kmsg", LATER));
      assertRefused(Kind.FAILED_PRECONDITION, "/proc/self/status is on proc",
          () -> files.checksums("/proc/self/status", LATER));
    });
  }

  @Test
  void checksums_ofAFifoOrASymlink_onADataFilesystem_areRefusedWithoutOpeningThem() {
    tree.fifo("mnt/md127/fifo");
    tree.link("mnt/md127/status", "../../proc/self/status");

    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      assertRefused(Kind.FAILED_PRECONDITION, "/mnt/md127/fifo is not a regular file: only"
          + " regular files and directories are read",
          () -> files.checksums("/mnt/md127/fifo", LATER));
      assertRefused(Kind.FAILED_PRECONDITION, "/mnt/md127/status is a symbolic link (never"
          + " followed)", () -> files.checksums("/mnt/md127/status", LATER));
    });
  }

  @Test
  void checksums_ofADirectory_readOnlyItsRegularFiles_onItsOwnFilesystem() {
    FileChecksum a = files.write("/mnt/md127/a", 10, 1, LATER);
    tree.mkdirs("mnt/md127/sub");
    FileChecksum b = files.write("/mnt/md127/sub/b", 10, 2, LATER);
    tree.fifo("mnt/md127/fifo");
    tree.link("mnt/md127/status", "../../proc/self/status");
    tree.write("mnt/md127/lost+found/#123", "orphan");
    tree.write("mnt/md127/inner/on-tmpfs", "other filesystem");

    List<FileChecksum> sums = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> files.checksums("/mnt/md127", LATER));

    assertEquals(List.of(a, b), sums);
  }

  @Test
  void checksums_pastTheDeadline_stopBetweenChunks() {
    files.write("/mnt/md127/five", 5 * MIB, 1, LATER);
    TestFiles slow = files(FsSpace::of, SteppingClock.ticking(NOW, Duration.ofSeconds(1)));

    assertRefused(Kind.DEADLINE_EXCEEDED, "stopped at /mnt/md127/five: the call's deadline"
        + " passed", () -> slow.checksums("/mnt/md127", NOW.plusSeconds(3)));
    assertRefused(Kind.DEADLINE_EXCEEDED, "deadline passed",
        () -> files.checksums("/mnt/md127/five", NOW));
  }

  @Test
  void checksums_ofAMissingPath_isNotFound() {
    assertRefused(Kind.NOT_FOUND, "/mnt/md127/nope does not exist",
        () -> files.checksums("/mnt/md127/nope", LATER));
  }

  private static void assertRefused(Kind kind, String words, Executable call) {
    RaidvmException e = assertThrows(RaidvmException.class, call);
    assertEquals(kind, e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains(words), e.getMessage());
  }
}
