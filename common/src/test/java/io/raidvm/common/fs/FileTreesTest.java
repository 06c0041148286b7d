package io.raidvm.common.fs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

  @TempDir Path tmp;

  @Test
  void delete_folder_removesEverythingInIt_butNotWhatALinkInItPointsTo() throws IOException {
    Path outside = Files.writeString(tmp.resolve("keep.txt"), "keep");
    Path tree = Files.createDirectories(tmp.resolve("tree/a/b"));
    Files.writeString(tree.resolve("f"), "x");
    Files.createSymbolicLink(tmp.resolve("tree/link"), outside);
    Files.createSymbolicLink(tmp.resolve("tree/dirlink"), tmp);

    FileTrees.delete(tmp.resolve("tree"));

    assertFalse(Files.exists(tmp.resolve("tree"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.isRegularFile(outside));
  }

  @Test
  void delete_fileOrLinkOrNothing_removesJustThat() throws IOException {
    Path target = Files.writeString(tmp.resolve("target"), "t");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), target);

    FileTrees.delete(link);
    FileTrees.delete(tmp.resolve("absent"));

    assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.exists(target));
    FileTrees.delete(target);
    assertFalse(Files.exists(target));
  }
}
