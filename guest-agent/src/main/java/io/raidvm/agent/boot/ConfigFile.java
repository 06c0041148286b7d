package io.raidvm.agent.boot;

import io.raidvm.api.agent.v1.ConfigChange;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.fs.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Rewrites a system configuration file only when its content changes: the previous version is
 * kept as {@code <file>.raidvm-bak}, the new one written atomically. Text is handled as
 * ISO-8859-1 so that every byte of the file, whatever its encoding, comes back unchanged.
 */
final class ConfigFile {

  static final String BACKUP_SUFFIX = ".raidvm-bak";

  private final Path root;

  /** {@code root} is "/" in the guest; tests pass a directory holding etc/. */
  ConfigFile(Path root) {
    this.root = root;
  }

  /**
   * @param path the file in the guest, e.g. "/etc/fstab"
   * @param edit from the current text (empty for a missing file) to the wanted one
   * @param line what raidvm writes there, for the answer (ASCII)
   */
  ConfigChange update(String path, UnaryOperator<String> edit, String line) {
    Path file = root.resolve(path.substring(1));
    String before = read(file);
    String after = edit.apply(before == null ? "" : before);
    ConfigChange.Builder change = ConfigChange.newBuilder().setPath(path).setLine(line);
    if (after.equals(before)) {
      return change.setChanged(false).build();
    }
    if (before != null) {
      AtomicFiles.write(file.resolveSibling(file.getFileName() + BACKUP_SUFFIX), bytes(before));
      change.setBackupPath(path + BACKUP_SUFFIX);
    }
    AtomicFiles.write(file, bytes(after));
    return change.setChanged(true).build();
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

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
