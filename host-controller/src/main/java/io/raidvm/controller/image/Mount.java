package io.raidvm.controller.image;

import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.nio.file.Path;

/** A mounted file system ({@code mount}); closing unmounts it. */
final class Mount implements AutoCloseable {

  private final CommandRunner runner;
  private final Path dir;

  private Mount(CommandRunner runner, Path dir) {
    this.runner = runner;
    this.dir = dir;
  }

  /** Mounts {@code device} on {@code dir}, noting it in the build's record first. */
  static Mount mount(CommandRunner runner, String device, Path dir, BuildRecord record) {
    record.mounting(dir);
    runner.run(Command.of("mount", device, dir.toString())).orThrow();
    return new Mount(runner, dir);
  }

  @Override
  public void close() {
    Cleanup.uninterruptibly(() -> runner.run(Command.of("umount", dir.toString())).orThrow());
  }
}
