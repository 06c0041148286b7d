package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On /proc/mdstat captured in the guest while md reshaped, and while it did not. */
class ReshapeGuardTest {

  @TempDir
  Path root;

  @Test
  void reshaping_namesTheArrayMdReshapes_withHowFarItIs() throws IOException {
    Mdstat mdstat = Mdstat.parse(Fixtures.read("guest-reshape/r5-chunk/mdstat-reshape.stdout"));

    assertEquals(List.of("md127 (4.9 % done)"), ReshapeGuard.reshaping(mdstat, Optional.empty()));
    assertEquals(List.of("md127 (4.9 % done)"),
        ReshapeGuard.reshaping(mdstat, Optional.of("md127")));
    assertEquals(List.of(), ReshapeGuard.reshaping(mdstat, Optional.of("md0")));
  }

  @Test
  void reshaping_isNothing_whileMdRebuildsOrIsIdle() throws IOException {
    String rebuilding = Fixtures.read("guest-reshape/r5-chunk/mdstat-reshape.stdout")
        .replace("reshape =", "recovery =");
    assertEquals(List.of(), ReshapeGuard.reshaping(Mdstat.parse(rebuilding), Optional.empty()));
    assertEquals(List.of(), ReshapeGuard.reshaping(Mdstat.parse(""), Optional.empty()));
  }

  @Test
  void requireNone_refusesWhatWouldCutTheReshapeShort_sayingWhyAndHowToGoOn()
      throws IOException {
    Files.createDirectories(root.resolve("proc"));
    Files.writeString(root.resolve("proc/mdstat"),
        Fixtures.read("guest-reshape/r5-chunk/mdstat-reshape.stdout"));
    ReshapeGuard guard = new ReshapeGuard(new MdKernelFiles(root));

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> guard.requireNone(Optional.of("md127"), "stop md127", ""));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().startsWith("cannot stop md127: md is reshaping md127 (4.9 % done)."
        + " A reshape cut short by a power cut, a reboot or mdadm --stop lost data"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("wait until it ends (raidctl raid wait VM ARRAY)"),
        e.getMessage());
    guard.requireNone(Optional.of("md0"), "stop md0", "");
  }
}
