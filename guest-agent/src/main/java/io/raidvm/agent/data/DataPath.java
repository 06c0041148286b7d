package io.raidvm.agent.data;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A path a caller gave, with the symlinks of its parent resolved: where it really is in the
 * guest (to find its filesystem), and on this machine below the root (to open it). The last
 * component is never followed.
 *
 * @param given the path as the caller wrote it, for answers
 * @param guest the real path in the guest, e.g. "/mnt/md127/proof"
 * @param host the same below the root the agent was given ("/" in the guest)
 */
record DataPath(String given, String guest, Path host) {

  /** Checks {@code text} (absolute, normalized, not "/") and resolves its parent below root. */
  static DataPath resolve(Path root, String text) {
    if (text == null || text.isEmpty() || !text.startsWith("/")) {
      throw RaidvmException.invalidArgument("path '%s' must be absolute", text);
    }
    Path path = parse(text);
    if (!path.normalize().toString().equals(text)) {
      throw RaidvmException.invalidArgument("path '%s' must not contain '.', '..' or '//', nor"
          + " end with '/'", text);
    }
    if (path.getParent() == null) {
      throw RaidvmException.invalidArgument("path '%s' is the root directory", text);
    }
    Path parent = realDirectory(root, path.getParent().toString());
    Path realRoot = realDirectory(root, "/");
    if (!parent.startsWith(realRoot)) {
      throw RaidvmException.failedPrecondition("%s leads out of the guest's tree", text);
    }
    String guestParent = "/" + realRoot.relativize(parent);
    String name = path.getFileName().toString();
    return new DataPath(text, (guestParent.equals("/") ? "" : guestParent) + "/" + name,
        parent.resolve(name));
  }

  private static Path parse(String text) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw RaidvmException.invalidArgument("path '%s' is not valid: %s", text, e.getReason());
    }
  }

  private static Path realDirectory(Path root, String guestDir) {
    try {
      Path real = root.resolve(guestDir.substring(1)).toRealPath();
      if (!Files.isDirectory(real)) {
        throw RaidvmException.failedPrecondition("%s is not a directory", guestDir);
      }
      return real;
    } catch (NoSuchFileException e) {
      throw RaidvmException.notFound("%s does not exist: mount the data filesystem first",
          guestDir);
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot resolve %s: %s", guestDir, e.getMessage());
    }
  }
}
