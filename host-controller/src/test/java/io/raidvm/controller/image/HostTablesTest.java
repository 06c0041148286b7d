package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.controller.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostTablesTest {

  private static final String WORK =
      "/tmp/raidvm-capture/images/.build-4ff5878888823e46-8123456789";

  @Test
  void loops_fromLosetupJ_nameEachBackingFile_withoutTheDeletedMark() {
    assertEquals(List.of(
            new HostTables.Loop("/dev/loop1", "/tmp/raidvm-capture/other.raw"),
            new HostTables.Loop("/dev/loop2", WORK + "/old.raw"),
            new HostTables.Loop("/dev/loop0", WORK + "/disk.raw")),
        HostTables.loops(Fixtures.read("build-leftovers/losetup-J.json")));
  }

  @Test
  void loops_whenThereAreNone_isEmpty() {
    assertEquals(List.of(), HostTables.loops(Fixtures.read("build-leftovers/losetup-J-none.json")));
    assertEquals(List.of(), HostTables.loops(""));
  }

  @Test
  void mountPoints_fromFindmntJ_walkTheTree_parentBeforeChild() {
    List<String> targets = HostTables.mountPoints(Fixtures.read("build-leftovers/findmnt-J.json"));

    assertEquals("/", targets.get(0));
    assertTrue(targets.contains("/proc"), targets.toString());
    assertEquals(List.of(WORK + "/mnt", WORK + "/mnt/proc"),
        targets.stream().filter(t -> t.startsWith(WORK)).toList());
  }
}
