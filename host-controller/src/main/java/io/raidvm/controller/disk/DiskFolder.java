package io.raidvm.controller.disk;

import io.raidvm.common.Names;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where disks live: {@code <state>/disks/<name>.qcow2}. A disk is made as
 * {@code .<name>.qcow2.partial} and renamed when complete, so a crash never leaves a truncated
 * disk under a disk's name.
 */
public final class DiskFolder {

  private static final String SUFFIX = ".qcow2";
  private static final String PARTIAL = ".partial";

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

  /** The file a disk of this name is made in before it is renamed to {@link #pathOf}. */
  public Path partialPathOf(String name) {
    return dir.resolve("." + Names.require("disk", name) + SUFFIX + PARTIAL);
  }

  /** The file of an existing disk, or NOT_FOUND. */
  public Path existing(String name) {
    Path path = pathOf(name);
    if (!Files.isRegularFile(path)) {
      throw RaidvmException.notFound("disk '%s' does not exist", name);
    }
    return path;
  }

  /** Names of all disks, sorted; files that are not a disk of a valid name are not listed. */
  public List<String> names() {
    return files().map(p -> p.getFileName().toString())
        .filter(n -> n.endsWith(SUFFIX))
        .map(n -> n.substring(0, n.length() - SUFFIX.length()))
        .filter(Names::isValid)
        .sorted()
        .toList();
  }

  /** The partial files that creations cut short by a crash left behind. */
  public List<Path> leftovers() {
    return files().filter(p -> {
      String n = p.getFileName().toString();
      return n.startsWith(".") && n.endsWith(SUFFIX + PARTIAL);
    }).sorted().toList();
  }

  private Stream<Path> files() {
    if (!Files.isDirectory(dir)) {
      return Stream.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
