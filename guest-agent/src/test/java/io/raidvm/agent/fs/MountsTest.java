package io.raidvm.agent.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.common.error.RaidvmException;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountsTest {

  @Test
  void parse_realMountinfo_undoesOctalEscapes_andSplitsOptions() {
    List<Mount> mounts = Mounts.parse(Fixtures.read("mountinfo/host-loop-with-space"));

    assertEquals(20, mounts.size());
    assertEquals(new Mount(27, 1, "254:0", "/", "/", List.of("rw", "relatime"), "ext4",
        "/dev/vda", List.of("rw", "discard", "resv_strict", "resuid=65534", "resgid=65534")),
        mounts.get(5));
    Mount loop = mounts.get(19);
    assertEquals("/tmp/fxcap/mnt with space", loop.mountPoint());
    assertEquals("259:0", loop.majorMinor());
    assertEquals(List.of("rw", "noatime"), loop.options());
    assertEquals("/dev/loop0p1", loop.source());
  }

  @Test
  void parse_optionalFields_beforeTheSeparator_areSkipped() {
    Mount m = Mounts.parse("36 35 98:0 /mnt1 /mnt/a\\134b\\011c rw,noatime master:1 shared:7 -"
        + " ext3 /dev/root rw,errors=continue\n").get(0);

    assertEquals("/mnt1", m.root());
    assertEquals("/mnt/a\\b\tc", m.mountPoint());
    assertEquals("ext3", m.fsType());
    assertEquals("/dev/root", m.source());
    assertEquals(List.of("rw", "errors=continue"), m.superOptions());
  }

  @Test
  void parse_truncatedLine_isInternal() {
    assertEquals(RaidvmException.Kind.INTERNAL, assertThrows(RaidvmException.class,
        () -> Mounts.parse("36 35 98:0 / /mnt rw")).kind());
  }
}
