package io.raidvm.controller.disk;

import io.raidvm.common.error.RaidvmException.Kind;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.nio.file.Path;

/** qemu-img, over the one command runner. */
public final class QemuImg {

  private final CommandRunner runner;

  public QemuImg(CommandRunner runner) {
    this.runner = runner;
  }

  /** Creates an empty qcow2 image of {@code bytes}; INVALID_ARGUMENT when qemu-img refuses. */
  public void create(Path file, long bytes) {
    runner.run(Command.of("qemu-img", "create", "-q", "-f", "qcow2", file.toString(),
        Long.toString(bytes))).orThrow(Kind.INVALID_ARGUMENT);
  }

  /** Creates a qcow2 overlay that reads through to the qcow2 {@code backing} image. */
  public void createOverlay(Path file, Path backing) {
    runner.run(Command.of("qemu-img", "create", "-q", "-f", "qcow2", "-b", backing.toString(),
        "-F", "qcow2", file.toString())).orThrow();
  }

  /** Reads an image's facts; {@code -U} so that it works while a VM has the image open. */
  public ImageInfo info(Path file) {
    return ImageInfo.parse(runner.run(Command.of("qemu-img", "info", "--output=json", "-U",
        file.toString())).orThrow().stdout());
  }
}
