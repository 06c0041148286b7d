package io.raidvm.common.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  private static final byte[] NEW = "new\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  Path dir;

  private List<String> names() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private String mode(Path file) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  @Test
  void write_newFile_getsTheBytes_mode0644_andLeavesNoTemporaryFile() throws Exception {
    Path file = dir.resolve("fstab");

    AtomicFiles.write(file, NEW);

    assertArrayEquals(NEW, Files.readAllBytes(file));
    assertEquals("rw-r--r--", mode(file));
    assertEquals(List.of("fstab"), names());
  }

  @Test
  void write_overAnExistingFile_keepsItsModeOwnerAndGroup() throws Exception {
    Path file = Files.writeString(dir.resolve("fstab"), "old\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal daemon = users.lookupPrincipalByName("daemon");
    GroupPrincipal adm = users.lookupPrincipalByGroupName("adm");
    view.setOwner(daemon);
    view.setGroup(adm);

    AtomicFiles.write(file, NEW);

    assertArrayEquals(NEW, Files.readAllBytes(file));
    assertEquals("rw-r-----", mode(file));
    assertEquals(daemon, Files.getOwner(file));
    assertEquals(adm, view.readAttributes().group());
    assertEquals(List.of("fstab"), names());
  }

  @Test
  void write_withAttributesOfAnotherFile_takesThatFilesMode() throws Exception {
    Path original = Files.writeString(dir.resolve("shadow"), "x");
    Files.setPosixFilePermissions(original, PosixFilePermissions.fromString("rw-------"));

    AtomicFiles.write(dir.resolve("shadow.bak"), NEW, original);

    assertEquals("rw-------", mode(dir.resolve("shadow.bak")));
  }

  @Test
  void write_throughASymlink_replacesItsTarget_andTheLinkStaysALink() throws Exception {
    Files.createDirectory(dir.resolve("data"));
    Path target = Files.writeString(dir.resolve("data/fstab.real"), "old\n");
    Path link = Files.createSymbolicLink(dir.resolve("fstab"), Path.of("data/fstab.real"));

    AtomicFiles.write(link, NEW);

    assertTrue(Files.isSymbolicLink(link));
    assertEquals(Path.of("data/fstab.real"), Files.readSymbolicLink(link));
    assertArrayEquals(NEW, Files.readAllBytes(target));
    assertEquals(List.of("data", "fstab"), names());
    try (Stream<Path> files = Files.list(dir.resolve("data"))) {
      assertEquals(List.of(target), files.toList());
    }
  }

  @Test
  void write_throughADanglingSymlinkChain_createsTheFinalTarget() throws Exception {
    Path first = Files.createSymbolicLink(dir.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(dir.resolve("b"), dir.resolve("c"));

    AtomicFiles.write(first, NEW);

    assertTrue(Files.isSymbolicLink(first));
    assertTrue(Files.isRegularFile(dir.resolve("c"), LinkOption.NOFOLLOW_LINKS));
    assertArrayEquals(NEW, Files.readAllBytes(dir.resolve("c")));
  }

  @Test
  void realTarget_ofASymlinkLoop_isFailedPrecondition() throws Exception {
    Files.createSymbolicLink(dir.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(dir.resolve("b"), Path.of("a"));

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> AtomicFiles.realTarget(dir.resolve("a")));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
  }

  @Test
  void write_thatFails_leavesTheTargetAndNoTemporaryFile() throws Exception {
    Path target = Files.createDirectory(dir.resolve("fstab"));
    Files.writeString(target.resolve("inside"), "x");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> AtomicFiles.write(target, NEW));

    assertEquals(RaidvmException.Kind.INTERNAL, e.kind());
    assertTrue(Files.isDirectory(target));
    assertEquals(List.of("fstab"), names());
  }

  @Test
  void write_intoAMissingFolder_isInternal_andCreatesNothing() throws Exception {
    assertThrows(RaidvmException.class, () -> AtomicFiles.write(dir.resolve("no/fstab"), NEW));

    assertFalse(Files.exists(dir.resolve("no")));
  }
}
