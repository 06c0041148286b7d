package io.raidvm.agent.info;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.common.OsRelease;
import org.junit.jupiter.api.Test;

class OsReleaseTest {

  @Test
  void debian12_givesPrettyNameIdVersionAndCodename() {
    assertEquals(new OsRelease("Debian GNU/Linux 12 (bookworm)", "debian", "12", "bookworm"),
        OsRelease.parse(Fixtures.read("os-release/debian-12")));
  }

  @Test
  void quotesEscapesCommentsAndBlankLines_areHandled() {
    String text = """
        # a comment
        PRETTY_NAME='Some \\"Linux\\"'

        ID=some
        VERSION_ID="1.0"
        """;

    assertEquals(new OsRelease("Some \"Linux\"", "some", "1.0", ""), OsRelease.parse(text));
  }

  @Test
  void missingKeys_areEmpty() {
    assertEquals(new OsRelease("", "arch", "", ""), OsRelease.parse("ID=arch\n"));
  }
}
