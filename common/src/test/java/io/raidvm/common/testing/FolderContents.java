package io.raidvm.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every regular file below a folder with its content, for a test to show that a refused call
 * changed nothing on disk: equal before and after.
 */
public final class FolderContents {

  private FolderContents() {}

  /** File path relative to {@code root} → its bytes, written out so that equals compares them. */
  public static Map<String, String> of(Path root) {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(f).toString(), Arrays.toString(Files.readAllBytes(f)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }
}
