package io.raidvm.controller.image;

import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.nio.file.Path;

/** A loop device over part of a file ({@code losetup}); closing detaches it. */
final class LoopDevice implements AutoCloseable {

  private final CommandRunner runner;
  private final String device;

  private LoopDevice(CommandRunner runner, String device) {
    this.runner = runner;
    this.device = device;
  }

  /**
   * Attaches the first free loop device to {@code size} bytes of {@code file} from {@code offset},
   * noting it in the build's record before and after.
   */
  static LoopDevice attach(CommandRunner runner, Path file, long offset, long size,
      BuildRecord record) {
    record.attaching(file);
    String device = runner.run(Command.of("losetup", "-f", "--show", "-o", Long.toString(offset),
        "--sizelimit", Long.toString(size), file.toString())).orThrow().stdout().strip();
    record.attached(device, file);
    return new LoopDevice(runner, device);
  }

  String device() {
    return device;
  }

  @Override
  public void close() {
    Cleanup.uninterruptibly(() -> runner.run(Command.of("losetup", "-d", device)).orThrow());
  }
}
