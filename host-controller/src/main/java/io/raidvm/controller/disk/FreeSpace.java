package io.raidvm.controller.disk;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How many bytes an unprivileged writer can still put in a folder's filesystem. */
@FunctionalInterface
public interface FreeSpace {

  long usableBytes(Path dir);

  /** The host's: the filesystem of {@code dir}, or of its nearest existing parent. */
  static FreeSpace ofHost() {
    return dir -> {
      Path at = dir.toAbsolutePath();
      while (at != null && !Files.exists(at)) {
        at = at.getParent();
      }
      if (at == null) {
        throw RaidvmException.failedPrecondition("no folder of %s exists", dir);
      }
      try {
        return Files.getFileStore(at).getUsableSpace();
      } catch (IOException e) {
        throw RaidvmException.internal("cannot read the free space of " + at + ": "
            + e.getMessage(), e);
      }
    };
  }
}
