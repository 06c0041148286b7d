package io.raidvm.agent.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.ConfigChange;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.006Z");
  private static final String LOCK = ".fstab.raidvm-lock";

  @TempDir
  Path root;

  private Path etc;
  private ConfigFile files;

  @BeforeEach
  void etc() throws Exception {
    etc = Files.createDirectory(root.resolve("etc"));
    files = new ConfigFile(root, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** The names in a folder, sorted. */
  static List<String> names(Path dir) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ConfigChange append(String line) {
    return files.update("/etc/fstab", text -> unreplaced(text + line + "\n"), line);
  }

  private static TextEntries.Edit unreplaced(String text) {
    return new TextEntries.Edit(text, List.of());
  }

  private static String mode(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  @Test
  void update_thatChangesTheText_writesIt_keepsModeAndOwner_andATimestampedBackupOfTheOld()
      throws Exception {
    byte[] old = "# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    Path fstab = Files.write(etc.resolve("fstab"), old);
    Files.setPosixFilePermissions(fstab, PosixFilePermissions.fromString("rw-r-----"));
    UserPrincipal daemon = root.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName("daemon");
    Files.setOwner(fstab, daemon);

    ConfigChange change = append("x");

    assertEquals(ConfigChange.newBuilder().setPath("/etc/fstab").setLine("x").setChanged(true)
        .setBackupPath("/etc/fstab.raidvm-bak.20260102-030405.006").build(), change);
    assertArrayEquals("# caf\u00e9\nx\n".getBytes(StandardCharsets.ISO_8859_1),
        Files.readAllBytes(fstab));
    assertEquals("rw-r-----", mode(fstab));
    assertEquals(daemon, Files.getOwner(fstab));
    Path backup = etc.resolve("fstab.raidvm-bak.20260102-030405.006");
    assertArrayEquals(old, Files.readAllBytes(backup));
    assertEquals("rw-r-----", mode(backup));
    assertEquals(daemon, Files.getOwner(backup));
    assertEquals(List.of(LOCK, "fstab", "fstab.raidvm-bak.20260102-030405.006"), names(etc));
  }

  @Test
  void update_saysWhichLinesTheEditReplaced() throws Exception {
    Files.writeString(etc.resolve("fstab"), "old x\n");

    ConfigChange change = files.update("/etc/fstab",
        text -> new TextEntries.Edit("x\n", List.of("old x")), "x");

    assertEquals(List.of("old x"), change.getReplacedLinesList());
  }

  @Test
  void update_thatChangesNothing_writesNothing_andKeepsNoBackup() throws Exception {
    Path fstab = Files.writeString(etc.resolve("fstab"), "x\n");
    FileTime before = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    Files.setLastModifiedTime(fstab, before);

    ConfigChange change = files.update("/etc/fstab", ConfigFileTest::unreplaced, "x");

    assertEquals(ConfigChange.newBuilder().setPath("/etc/fstab").setLine("x").build(), change);
    assertEquals(before, Files.getLastModifiedTime(fstab));
    assertEquals(List.of(LOCK, "fstab"), names(etc));
  }

  @Test
  void update_ofAMissingFile_createsItWithMode0644_andNoBackup() throws Exception {
    ConfigChange change = append("x");

    assertEquals("", change.getBackupPath());
    assertEquals("x\n", Files.readString(etc.resolve("fstab")));
    assertEquals("rw-r--r--", mode(etc.resolve("fstab")));
    assertEquals(List.of(LOCK, "fstab"), names(etc));
  }

  @Test
  void update_throughASymlink_editsItsTarget_besideWhichTheBackupGoes_andTheLinkStays()
      throws Exception {
    Path data = Files.createDirectory(root.resolve("data"));
    Files.writeString(data.resolve("fstab"), "old\n");
    Path link = Files.createSymbolicLink(etc.resolve("fstab"), Path.of("../data/fstab"));

    ConfigChange change = append("x");

    assertTrue(Files.isSymbolicLink(link));
    assertEquals(Path.of("../data/fstab"), Files.readSymbolicLink(link));
    assertEquals("old\nx\n", Files.readString(data.resolve("fstab")));
    assertEquals("/data/fstab.raidvm-bak.20260102-030405.006", change.getBackupPath());
    assertEquals(List.of(LOCK, "fstab", "fstab.raidvm-bak.20260102-030405.006"), names(data));
    assertEquals(List.of("fstab"), names(etc));
  }

  @Test
  void update_keepsTheNewestFiveBackups_namedApartWithinOneMillisecond() throws Exception {
    Files.writeString(etc.resolve("fstab"), "");
    List<String> versions = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      versions.add(Files.readString(etc.resolve("fstab")));
      append("v" + i);
    }

    assertEquals(List.of(LOCK, "fstab",
        "fstab.raidvm-bak.20260102-030405.008", "fstab.raidvm-bak.20260102-030405.009",
        "fstab.raidvm-bak.20260102-030405.010", "fstab.raidvm-bak.20260102-030405.011",
        "fstab.raidvm-bak.20260102-030405.012"), names(etc));
    assertEquals(versions.get(2),
        Files.readString(etc.resolve("fstab.raidvm-bak.20260102-030405.008")));
    assertEquals(versions.get(6),
        Files.readString(etc.resolve("fstab.raidvm-bak.20260102-030405.012")));
  }

  @Test
  void update_withTheClockBehindTheNewestBackup_namesTheNewOneAfterIt() throws Exception {
    Files.writeString(etc.resolve("fstab"), "");
    Files.writeString(etc.resolve("fstab.raidvm-bak.20300101-000000.000"), "later");

    ConfigChange change = append("x");

    assertEquals("/etc/fstab.raidvm-bak.20300101-000000.001", change.getBackupPath());
  }

  @Test
  void update_leavesOtherFilesThatOnlyLookLikeBackupsAlone() throws Exception {
    Files.writeString(etc.resolve("fstab"), "");
    List<String> others = List.of("fstab.raidvm-bak", "fstab.raidvm-bak.old",
        "fstab2.raidvm-bak.20200101-000000.000");
    for (String other : others) {
      Files.writeString(etc.resolve(other), other);
    }

    IntStream.rangeClosed(1, 7).forEach(i -> append("v" + i));

    for (String other : others) {
      assertEquals(other, Files.readString(etc.resolve(other)));
    }
  }

  @Test
  void update_whoseEditRefuses_writesNothing() throws Exception {
    Files.writeString(etc.resolve("fstab"), "old\n");

    assertThrows(RaidvmException.class, () -> files.update("/etc/fstab", text -> {
      throw RaidvmException.failedPrecondition("no");
    }, "x"));

    assertEquals("old\n", Files.readString(etc.resolve("fstab")));
    assertEquals(List.of(LOCK, "fstab"), names(etc));
  }

  @Test
  void update_fromManyThreadsAtOnce_losesNoEdit() throws Exception {
    Files.writeString(etc.resolve("fstab"), "");
    ConfigFile other = new ConfigFile(root, Clock.systemUTC());
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      ConfigFile editor = t % 2 == 0 ? files : other;
      String name = "t" + t;
      threads.add(new Thread(() -> IntStream.range(0, 10).forEach(i -> editor.update(
          "/etc/fstab", text -> unreplaced(slowly(text + name + "-" + i + "\n")), name))));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }

    assertEquals(40, Files.readAllLines(etc.resolve("fstab")).size());
    assertEquals(ConfigBackups.KEEP + 2, names(etc).size());
  }

  /** Widens the gap between read and write, where an unlocked edit would lose another's. */
  private static String slowly(String text) {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return text;
  }
}
