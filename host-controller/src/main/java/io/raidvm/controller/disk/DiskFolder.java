package io.raidvm.controller.disk;

import io.raidvm.common.Names;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where disks live: {@code <state>/disks/<name>.qcow2}. */
public final class DiskFolder {

  private static final String SUFFIX = ".qcow2";

  private final Path dir;

  public DiskFolder(Path stateDir) {
    this.dir = stateDir.resolve("disks");
  }

  public Path dir() {
    return dir;
  }

  /** The file a disk of this (valid) name has or would have. */
  public Path pathOf(String name) {
    return dir.resolve(Names.require("disk", name) + SUFFIX);
  }

  /** The file of an existing disk, or NOT_FOUND. */
  public Path existing(String name) {
    Path path = pathOf(name);
    if (!Files.isRegularFile(path)) {
      throw RaidvmException.notFound("disk '%s' does not exist", name);
    }
    return path;
  }

  /** Names of all disks, sorted. */
  public List<String> names() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(SUFFIX))
          .map(n -> n.substring(0, n.length() - SUFFIX.length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
