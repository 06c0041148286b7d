package io.raidvm.agent.boot;

import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.time.Duration;

/**
 * {@code update-initramfs -u}: the initramfs carries its own copy of mdadm.conf. Slow under
 * emulation (docs/design.md: 73 s with the image's settings, minutes with Debian's defaults).
 */
public final class Initramfs {

  static final Command UPDATE = Command.of("update-initramfs", "-u")
      .withTimeout(Duration.ofMinutes(30));

  private final CommandRunner runner;
  private final OperationRegistry operations;

  public Initramfs(CommandRunner runner, OperationRegistry operations) {
    this.runner = runner;
    this.operations = operations;
  }

  /** Returns the running Operation; its phase is the tool's latest line. */
  public Operation update() {
    return operations.runInBackground(operations.start("update-initramfs", "initramfs"),
        h -> runner.run(UPDATE, line -> h.progress(Progress.newBuilder().setPhase(line).build()))
            .orThrow());
  }
}
