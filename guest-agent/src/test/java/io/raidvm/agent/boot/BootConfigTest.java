package io.raidvm.agent.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestTree;
import io.raidvm.api.agent.v1.ConfigChange;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import io.raidvm.common.process.FakeCommandRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootConfigTest {

  private static final List<String> SCAN = List.of("mdadm", "--detail", "--scan");
  private static final List<String> BLKID = List.of("blkid", "-p", "-o", "export", "/dev/md127");
  private static final String FSTAB_LINE = "UUID=e281d5d5-b852-4ce0-923a-b855c55c2d7c /mnt/md127"
      + " ext4 defaults,nofail,discard 0 2";
  /** The backup suffix under the test's clock. */
  private static final String BACKUP = ".raidvm-bak.20260102-030405.006";

  @TempDir
  Path dir;

  private final FakeCommandRunner runner = new FakeCommandRunner();
  private GuestTree tree;
  private BootConfig boot;

  @BeforeEach
  void guest() {
    tree = new GuestTree(dir).disk("sdb").partition("sdb", "sdb1")
        .mounted("sdb1", "/").disk("md127");
    tree.write("etc/mdadm/mdadm.conf", Fixtures.read("guest/00-boot/mdadm.conf.stdout"));
    tree.write("etc/fstab", Fixtures.read("guest/00-boot/fstab.stdout"));
    boot = new BootConfig(runner, new DeviceResolver(dir), new DeviceGuard(runner, dir), dir,
        Clock.fixed(Instant.parse("2026-01-02T03:04:05.006Z"), ZoneOffset.UTC));
  }

  private String read(String file) throws Exception {
    return Files.readString(dir.resolve(file));
  }

  @Test
  void persistArray_writesTheLine_keepsABackup_andASecondCallChangesNothing() throws Exception {
    runner.answer(SCAN, 0, Fixtures.read("guest/14-raid1-partitions/detail-scan.stdout"), "");

    ConfigChange first = boot.persistArray("md127", false);
    ConfigChange second = boot.persistArray("/dev/md127", false);

    String line = "ARRAY /dev/md127 metadata=1.0 name=raidvm:127"
        + " UUID=db0609c2:27c2052f:bdc9c4d6:f961e8b0";
    assertEquals(ConfigChange.newBuilder().setPath("/etc/mdadm/mdadm.conf").setLine(line)
        .setChanged(true).setBackupPath("/etc/mdadm/mdadm.conf" + BACKUP).build(), first);
    assertEquals(ConfigChange.newBuilder().setPath("/etc/mdadm/mdadm.conf").setLine(line)
        .setChanged(false).build(), second);
    assertEquals(Fixtures.read("guest/19-initramfs/mdadm.conf-with-array.stdout"),
        read("etc/mdadm/mdadm.conf"));
    assertEquals(Fixtures.read("guest/00-boot/mdadm.conf.stdout"),
        read("etc/mdadm/mdadm.conf" + BACKUP));
  }

  @Test
  void persistArray_ofAnArrayMdadmDoesNotList_isFailedPrecondition_andWritesNothing() {
    runner.answer(SCAN, 0, "", "");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> boot.persistArray("md127", false));

    assertEquals("mdadm --detail --scan does not list /dev/md127; is the array running?",
        e.getMessage());
    assertEquals(List.of("mdadm.conf"), ConfigFileTest.names(dir.resolve("etc/mdadm")));
  }

  @Test
  void persistArray_overAStaleArraysLineByAnotherNameOfTheDevice_isRefused_andWritesNothing()
      throws Exception {
    tree.link("dev/md/old", "../md127");
    String stale = "ARRAY /dev/md/old metadata=1.2 UUID=f851e08d:f07f0f42:c090542b:d36c7928";
    byte[] before = ("MAILADDR root\n" + stale + "\n").getBytes(StandardCharsets.US_ASCII);
    Files.write(dir.resolve("etc/mdadm/mdadm.conf"), before);
    runner.answer(SCAN, 0, Fixtures.read("guest/14-raid1-partitions/detail-scan.stdout"), "");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> boot.persistArray("md127", false));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().startsWith("mdadm.conf names /dev/md127 with another UUID than the"
        + " array's: '" + stale + "'."), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("etc/mdadm/mdadm.conf")));
    assertEquals(List.of(".mdadm.conf.raidvm-lock", "mdadm.conf"),
        ConfigFileTest.names(dir.resolve("etc/mdadm")));

    ConfigChange replaced = boot.persistArray("md127", true);

    assertEquals(List.of(stale), replaced.getReplacedLinesList());
    assertEquals("MAILADDR root\n" + replaced.getLine() + "\n", read("etc/mdadm/mdadm.conf"));
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("etc/mdadm/mdadm.conf" + BACKUP)));
  }

  @Test
  void persistArray_badOrAbsentName_runsNothing() {
    assertEquals(Kind.INVALID_ARGUMENT,
        assertThrows(RaidvmException.class, () -> boot.persistArray("sdb", false)).kind());
    assertEquals(Kind.NOT_FOUND,
        assertThrows(RaidvmException.class, () -> boot.persistArray("md5", false)).kind());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void addFstabEntry_byTheFilesystemsUuid_keepsOtherBytes_andIsIdempotent() throws Exception {
    byte[] latin1 = "# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(dir.resolve("etc/fstab"), latin1);
    runner.answer(BLKID, 0, Fixtures.read("guest/05-mkfs-mount/blkid-p-export.stdout"), "");

    ConfigChange first = boot.addFstabEntry("md127", "/mnt/md127", "");
    ConfigChange second = boot.addFstabEntry("md127", "/mnt/md127", "");

    assertEquals(true, first.getChanged());
    assertEquals(FSTAB_LINE, first.getLine());
    assertEquals(false, second.getChanged());
    byte[] expected = ("# caf\u00e9\n" + FSTAB_LINE + "\n").getBytes(StandardCharsets.ISO_8859_1);
    assertArrayEquals(expected, Files.readAllBytes(dir.resolve("etc/fstab")));
    assertArrayEquals(latin1, Files.readAllBytes(dir.resolve("etc/fstab" + BACKUP)));
  }

  @Test
  void addFstabEntry_overALineByAnotherNameOfTheSameArray_replacesIt_andSaysSo() throws Exception {
    tree.disk("md126").link("dev/md/data", "../md127")
        .link("dev/md/other", "../md126");
    String other = "/dev/md/other /srv/other ext4 defaults 0 0\n";
    tree.write("etc/fstab", other + "/dev/md/data /srv/data ext4 defaults 0 0\n");
    runner.answer(BLKID, 0, Fixtures.read("guest/05-mkfs-mount/blkid-p-export.stdout"), "");

    ConfigChange change = boot.addFstabEntry("md127", "/mnt/md127", "");

    assertEquals(other + FSTAB_LINE + "\n", read("etc/fstab"));
    assertEquals(List.of("/dev/md/data /srv/data ext4 defaults 0 0"),
        change.getReplacedLinesList());
  }

  @Test
  void addFstabEntry_withoutAFilesystem_isFailedPrecondition() {
    runner.answer(BLKID, 2, "", "");

    assertEquals("/dev/md127 (md127) holds no filesystem: make one first",
        assertThrows(RaidvmException.class,
            () -> boot.addFstabEntry("md127", "/mnt/md127", "")).getMessage());
  }

  @Test
  void addFstabEntry_badInput_touchesNothing() throws Exception {
    String before = read("etc/fstab");
    assertEquals(Kind.INVALID_ARGUMENT, assertThrows(RaidvmException.class,
        () -> boot.addFstabEntry("md127", "/", "")).kind());
    assertEquals(Kind.INVALID_ARGUMENT, assertThrows(RaidvmException.class,
        () -> boot.addFstabEntry("md127", "/mnt/md127", "defaults 0 0\nx")).kind());
    assertEquals(Kind.FAILED_PRECONDITION, assertThrows(RaidvmException.class,
        () -> boot.addFstabEntry("sdb1", "/mnt/md127", "")).kind());
    assertEquals(List.of(), runner.calls());
    assertEquals(before, read("etc/fstab"));
  }
}
