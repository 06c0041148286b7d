package io.raidvm.agent.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.agent.testing.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlkidTest {

  @Test
  void parse_undoesTheShellEscapesOfValues() {
    Map<String, String> values =
        Blkid.parse(Fixtures.read("blkid/p-export-label-with-space.stdout"));

    assertEquals("my data$x", values.get("LABEL"));
    assertEquals("ext4", values.get("TYPE"));
  }

  @Test
  void describe_namesTheTableAndTheContent() {
    assertEquals("a gpt partition table", new Blkid.Probe(
        Blkid.parse(Fixtures.read("blkid/p-export-gpt-disk.stdout")), false).describe());
    assertEquals("a linux_raid_member raid signature", new Blkid.Probe(
        Map.of("TYPE", "linux_raid_member", "USAGE", "raid"), false).describe());
    assertEquals(false, new Blkid.Probe(Blkid.parse(
        Fixtures.read("guest/02-partition/blkid-p-part-export.stdout")), false).hasSignature());
  }
}
