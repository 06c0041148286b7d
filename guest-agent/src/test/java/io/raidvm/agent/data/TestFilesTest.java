package io.raidvm.agent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestFilesTest {

  @TempDir
  Path data;

  /** Treats a filesystem that is certainly not the temp dir's as "root". */
  private final TestFiles files = new TestFiles(Path.of("/proc"));

  @Test
  void write_thenChecksum_giveTheSameDigest_andTheSameSeedGivesTheSameBytes() throws Exception {
    FileChecksum a = files.write(data.resolve("a.bin").toString(), 3_000_000, 7);
    FileChecksum b = files.write(data.resolve("b.bin").toString(), 3_000_000, 7);
    assertEquals(a.getSha256(), b.getSha256());
    assertEquals(3_000_000, Files.size(data.resolve("a.bin")));

    List<FileChecksum> all = files.checksums(data.toString());
    assertEquals(List.of(a, b), all);
  }

  @Test
  void write_refusesToOverwrite_andLeavesTheFileAsItWas() throws Exception {
    Path f = data.resolve("keep.bin");
    Files.writeString(f, "precious");
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> files.write(f.toString(), 10, 1));
    assertEquals(RaidvmException.Kind.ALREADY_EXISTS, e.kind());
    assertEquals("precious", Files.readString(f));
  }

  @Test
  void write_onTheRootFilesystem_isRefused_andNothingIsWritten() {
    TestFiles rootIsHere = new TestFiles(data);
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> rootIsHere.write(data.resolve("x.bin").toString(), 10, 1));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertFalse(Files.exists(data.resolve("x.bin")));
  }

  @Test
  void badPathsAndSizes_areInvalidArguments() {
    for (String p : new String[] {"", "relative/x", "/mnt/../etc/x", "/"}) {
      RaidvmException e = assertThrows(RaidvmException.class, () -> files.write(p, 10, 1), p);
      assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind(), p);
    }
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> files.write(data.resolve("big").toString(), (1L << 30) + 1, 1));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertFalse(Files.exists(data.resolve("big")));
  }

  @Test
  void checksums_ofAMissingPath_isNotFound() {
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> files.checksums(data.resolve("nope").toString()));
    assertEquals(RaidvmException.Kind.NOT_FOUND, e.kind());
  }
}
