package io.raidvm.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.common.error.RaidvmException;
import org.junit.jupiter.api.Test;

class RangesTest {

  @Test
  void require_acceptsTheBounds_andRefusesOutsideNamingTheRange() {
    assertEquals(1, Ranges.require("lines", 1, 1, 10, ""));
    assertEquals(10, Ranges.require("lines", 10, 1, 10, ""));
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> Ranges.require("stop timeout", 4000, 1, 3600, "s"));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("stop timeout 4000 s is out of range: give 1 to 3600 s", e.getMessage());
  }

  @Test
  void orDefault_takesZeroForTheDefault_andSaysSoWhenRefusing() {
    assertEquals(1024, Ranges.orDefault("memory", 0, 1024, 256, 65536, "MiB"));
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> Ranges.orDefault("memory", Ranges.unsigned(-1), 1024, 256, 65536, "MiB"));
    assertEquals("memory 4294967295 MiB is out of range: give 256 to 65536 MiB, or 0 for 1024"
        + " MiB", e.getMessage());
  }
}
