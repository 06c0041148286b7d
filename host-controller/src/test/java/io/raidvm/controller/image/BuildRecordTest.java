package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildRecordTest {

  private static final BuildOwner OWNER =
      new BuildOwner(4242, Instant.parse("2026-12-01T18:03:04.120Z"));

  @TempDir Path work;

  @Test
  void record_namesItsOwnerAtOnce_andEachHoldAsItIsTaken() throws IOException {
    BuildRecord record = BuildRecord.create(work, OWNER);
    assertEquals(List.of(), BuildRecord.read(work).orElseThrow().holds());

    record.attaching(work.resolve("disk.raw"));
    record.attached("/dev/loop3", work.resolve("disk.raw"));
    record.mounting(work.resolve("mnt"));

    BuildRecord read = BuildRecord.read(work).orElseThrow();
    assertEquals(OWNER, read.owner());
    assertEquals(List.of("loop-file " + work + "/disk.raw", "loop /dev/loop3 " + work
        + "/disk.raw", "mount " + work + "/mnt"), read.holds());
    assertTrue(Files.readString(work.resolve(BuildRecord.FILE)).contains(
        "owner-pid 4242\nowner-started 2026-12-01T18:03:04.120Z\n"));
  }

  @Test
  void parse_withoutAnOwner_orWithABadOne_isNoRecord() {
    assertEquals(Optional.empty(), BuildRecord.parse(work, "mount /x\n"));
    assertEquals(Optional.empty(), BuildRecord.parse(work,
        "owner-pid 12x\nowner-started 2026-12-01T18:03:04Z\n"));
    assertEquals(Optional.empty(), BuildRecord.parse(work,
        "owner-pid 12\nowner-started yesterday\n"));
    assertEquals(Optional.empty(), BuildRecord.read(work));
  }

  @Test
  void owner_isAliveOnlyWithItsOwnStartTime() throws Exception {
    BuildOwner self = BuildOwner.self();
    assertTrue(self.alive());
    assertFalse(new BuildOwner(self.pid(), self.startedAt().minusSeconds(1)).alive(),
        "a recycled pid is another process");

    Process cat = new ProcessBuilder("cat").start();
    BuildOwner owner = new BuildOwner(cat.pid(), cat.info().startInstant().orElseThrow());
    assertTrue(owner.alive());
    cat.getOutputStream().close();
    cat.waitFor();
    assertFalse(owner.alive());
  }
}
