package io.raidvm.agent.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestSuites;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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

  /** 05 on every suite: blkid -p finds the array's ext4, named as the human output names it. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.raidvm.agent.testing.GuestSuites#folders")
  void theArraysFilesystem_probedOnEverySuite(String folder) {
    Map<String, String> values = Blkid.parse(
        GuestSuites.read(folder, "05-mkfs-mount/blkid-p-export.stdout"));

    assertEquals(List.of("/dev/md127", "ext4", "filesystem"),
        List.of(values.get("DEVNAME"), values.get("TYPE"), values.get("USAGE")));
    assertTrue(GuestSuites.read(folder, "05-mkfs-mount/blkid-p.stdout")
        .contains(" UUID=\"" + values.get("UUID") + "\""));
    assertTrue(new Blkid.Probe(values, false).hasSignature());
  }
}
