package io.raidvm.agent.boot;

import io.raidvm.api.agent.v1.ConfigChange;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.fs.AtomicFiles;
import io.raidvm.common.fs.FileLocks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;

/**
 * Rewrites a system configuration file only when its content changes, under the file's lock
 * ({@link FileLocks}): the previous version is kept as a timestamped backup
 * ({@link ConfigBackups}), the new one written atomically with the file's owner, group and mode
 * ({@link AtomicFiles}). A symlink is edited at its target and stays a symlink. Text is handled
 * as ISO-8859-1 so that every byte of the file, whatever its encoding, comes back unchanged.
 */
final class ConfigFile {

  private final Path root;
  private final ConfigBackups backups;

  /** {@code root} is "/" in the guest; tests pass a directory holding etc/. */
  ConfigFile(Path root, Clock clock) {
    this.root = root;
    this.backups = new ConfigBackups(clock);
  }

  /**
   * @param path the file in the guest, e.g. "/etc/fstab"
   * @param edit from the current text (empty for a missing file) to the wanted one and what it
   *     replaced; it may refuse by throwing, and then nothing is written
   * @param line what raidvm writes there, for the answer (ASCII)
   */
  ConfigChange update(String path, Function<String, TextEntries.Edit> edit, String line) {
    Path file = AtomicFiles.realTarget(root.resolve(path.substring(1)));
    return FileLocks.locked(file, () -> {
      String before = read(file);
      TextEntries.Edit edited = edit.apply(before == null ? "" : before);
      String after = edited.text();
      ConfigChange.Builder change = ConfigChange.newBuilder().setPath(path).setLine(line);
      if (after.equals(before)) {
        return change.setChanged(false).build();
      }
      if (before != null) {
        change.setBackupPath(guestPath(backups.keep(file, bytes(before))));
      }
      AtomicFiles.write(file, bytes(after));
      backups.prune(file);
      return change.setChanged(true).addAllReplacedLines(edited.replaced()).build();
    });
  }

  /** The file's text now (its symlink's target's); "" when it does not exist. */
  String text(String path) {
    String text = read(AtomicFiles.realTarget(root.resolve(path.substring(1))));
    return text == null ? "" : text;
  }

  /** The file's bytes as ISO-8859-1 text; null when it does not exist. */
  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The path in the guest of a file under the root (a symlink's target may lie elsewhere). */
  private String guestPath(Path file) {
    try {
      Path realRoot = root.toRealPath();
      return file.startsWith(realRoot) ? "/" + realRoot.relativize(file) : file.toString();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot resolve " + root + ": " + e.getMessage(), e);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
