package io.raidvm.agent.data;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A filesystem's size and what an unprivileged writer may still use of it, as statvfs(2) says.
 *
 * @param total bytes
 * @param usable bytes free for writers (df's "Avail")
 */
record FsSpace(long total, long usable) {

  /** What a write must leave free: 5 % of the filesystem, at least 1 MiB. */
  static final long MIN_MARGIN = 1 << 20;

  /** The filesystem that holds {@code path}. */
  static FsSpace of(Path path) {
    try {
      var store = Files.getFileStore(path);
      return new FsSpace(store.getTotalSpace(), store.getUsableSpace());
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot read the free space at %s: %s", path,
          e.getMessage());
    }
  }

  /** What may be written while keeping the margin free; 0 when even that is not there. */
  long writable() {
    return Math.max(0, usable - Math.max(MIN_MARGIN, total / 20));
  }
}
