package io.raidvm.controller.image;

import io.raidvm.common.fs.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one build holds, written into its build folder before the first loop device or mount and
 * rewritten (atomically) before each new one, so that a controller that finds the folder after
 * the build's process died knows whose it was and what to release ({@link DeadBuilds}). The
 * owner decides whether the build is live; the loop devices and mounts it names are what it
 * meant to take, which the clean-up only releases when the host's own tables show them under the
 * build folder. One "key value" line per fact:
 * <pre>
 *   owner-pid 4242
 *   owner-started 2026-12-01T18:03:04.120Z
 *   loop-file /var/lib/raidvm/images/.build-…/disk.raw
 *   loop /dev/loop0 /var/lib/raidvm/images/.build-…/disk.raw
 *   mount /var/lib/raidvm/images/.build-…/mnt
 * </pre>
 */
final class BuildRecord {

  static final String FILE = "build-record";

  private static final String HEADER = "# raidvm image build: who runs it and what it holds;"
      + " a controller cleans up after it once its owner is gone\n";

  private final Path workDir;
  private final BuildOwner owner;
  private final List<String> holds;

  private BuildRecord(Path workDir, BuildOwner owner, List<String> holds) {
    this.workDir = workDir;
    this.owner = owner;
    this.holds = new ArrayList<>(holds);
  }

  /** Writes the record of a new build by {@code owner} into {@code workDir}. */
  static BuildRecord create(Path workDir, BuildOwner owner) {
    BuildRecord record = new BuildRecord(workDir, owner, List.of());
    record.save();
    return record;
  }

  /** The record in {@code workDir}; empty when there is none or it is not one. */
  static Optional<BuildRecord> read(Path workDir) {
    try {
      return parse(workDir, Files.readString(workDir.resolve(FILE), StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a record's text; empty unless it names its owner. Pure. */
  static Optional<BuildRecord> parse(Path workDir, String text) {
    Long pid = null;
    Instant started = null;
    List<String> holds = new ArrayList<>();
    for (String line : text.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.indexOf(' ');
      String key = space < 0 ? line : line.substring(0, space);
      String value = space < 0 ? "" : line.substring(space + 1);
      try {
        switch (key) {
          case "owner-pid" -> pid = Long.parseLong(value);
          case "owner-started" -> started = Instant.parse(value);
          default -> holds.add(line);
        }
      } catch (NumberFormatException | DateTimeParseException e) {
        return Optional.empty();
      }
    }
    if (pid == null || started == null) {
      return Optional.empty();
    }
    return Optional.of(new BuildRecord(workDir, new BuildOwner(pid, started), holds));
  }

  Path workDir() {
    return workDir;
  }

  BuildOwner owner() {
    return owner;
  }

  /** The lines that say what the build took or was about to take, in order. */
  List<String> holds() {
    return List.copyOf(holds);
  }

  /** Before {@code losetup} attaches {@code file}. */
  void attaching(Path file) {
    hold("loop-file " + file);
  }

  /** After {@code losetup} attached {@code device} to {@code file}. */
  void attached(String device, Path file) {
    hold("loop " + device + " " + file);
  }

  /** Before mounting on {@code dir}. */
  void mounting(Path dir) {
    hold("mount " + dir);
  }

  private synchronized void hold(String line) {
    holds.add(line);
    save();
  }

  String format() {
    StringBuilder text = new StringBuilder(HEADER)
        .append("owner-pid ").append(owner.pid()).append('\n')
        .append("owner-started ").append(owner.startedAt()).append('\n');
    holds.forEach(h -> text.append(h).append('\n'));
    return text.toString();
  }

  private void save() {
    AtomicFiles.write(workDir.resolve(FILE), format());
  }
}
