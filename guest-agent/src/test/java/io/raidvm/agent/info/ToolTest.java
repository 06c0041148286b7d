package io.raidvm.agent.info;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.api.agent.v1.ToolVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolTest {

  private static ToolVersion version(String name, String version, String raw) {
    return ToolVersion.newBuilder().setName(name).setVersion(version).setRaw(raw).build();
  }

  @Test
  void mdadm_versionOnStderr_isParsed() {
    assertEquals(version("mdadm", "4.2", "mdadm - v4.2 - 2021-12-30 - Debian 4.2-5"),
        Tool.MDADM.parse("\n" + Fixtures.read("mdadm/version.stderr")));
  }

  @Test
  void parted_firstLineOfItsBanner_isParsed() {
    assertEquals(version("parted", "3.5", "parted (GNU parted) 3.5"),
        Tool.PARTED.parse(Fixtures.read("parted/version.stdout") + "\n"));
  }

  @Test
  void mke2fs_versionOnStderr_reportsE2fsprogs() {
    assertEquals(version("e2fsprogs", "1.47.0", "mke2fs 1.47.0 (5-Feb-2023)"),
        Tool.E2FSPROGS.parse("\n" + Fixtures.read("mke2fs/version.stderr")));
  }

  @Test
  void unexpectedOutput_givesAnEmptyVersion_andKeepsTheFirstLine() {
    assertEquals(version("mdadm", "", "mdadm: something else entirely"),
        Tool.MDADM.parse("\nmdadm: something else entirely\nsecond line\n"));
  }

  @Test
  void missingTool_hasEmptyVersionAndRaw() {
    assertEquals(version("parted", "", ""), Tool.PARTED.missing());
  }

  @Test
  void commands_areTheToolsOwnVersionFlags() {
    assertEquals(List.of("mdadm", "--version"), Tool.MDADM.command().argv());
    assertEquals(List.of("parted", "--version"), Tool.PARTED.command().argv());
    assertEquals(List.of("mke2fs", "-V"), Tool.E2FSPROGS.command().argv());
  }
}
