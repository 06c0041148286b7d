package io.raidvm.agent.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.agent.testing.GuestTree;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountTableTest {

  @TempDir
  Path dir;

  @Test
  void containing_isTheLongestMountPointByWholeComponents_theTopOneWhereStacked() {
    new GuestTree(dir).disk("sda").disk("md127").disk("md1270")
        .mounted("sda", "/").mounted("md1270", "/mnt/md127").mounted("md127", "/mnt/md127")
        .mountinfo("40 1 0:40 / /mnt/md1270 rw - tmpfs tmpfs rw");
    MountTable table = new MountTable(dir);

    assertEquals(Optional.of("/dev/md127"),
        table.containing("/mnt/md127/a/b").map(Mount::source));
    assertEquals(Optional.of("/dev/md127"), table.containing("/mnt/md127").map(Mount::source));
    assertEquals(Optional.of("tmpfs"), table.containing("/mnt/md1270/x").map(Mount::source));
    assertEquals(Optional.of("/dev/sda"), table.containing("/mnt/md12").map(Mount::source));
    assertEquals(List.of("/mnt/md127", "/mnt/md1270"), table.below("/mnt"));
    assertEquals(List.of(), table.below("/mnt/md127"));
  }
}
