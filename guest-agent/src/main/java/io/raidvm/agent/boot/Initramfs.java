package io.raidvm.agent.boot;

import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code update-initramfs -u}: the initramfs carries its own copy of mdadm.conf. Slow under
 * emulation, where it is about 850 short processes: they run with fixed addresses, which cuts a
 * process start to a quarter there (docs/design.md: 57-63 s → 21-24 s in one guest).
 */
public final class Initramfs {

  static final Command UPDATE = Command.of("update-initramfs", "-u")
      .withTimeout(Duration.ofMinutes(30)).withFixedAddresses();

  static final String KIND = "update-initramfs";

  /** Should the agent die during the update (proto {@code Operation.resume_hint}). */
  static final String RESUME_HINT = "update-initramfs was killed: the initramfs may not carry the"
      + " latest mdadm.conf yet (its half-written initrd.img-*.new and mkinitramfs' temporary"
      + " files are removed when the agent starts); run `raidctl op initramfs VM` again";

  private final CommandRunner runner;
  private final OperationRegistry operations;

  /**
   * {@code root} is "/" in the guest. When the previous agent died during an update, removes
   * what the killed tool left ({@link InitramfsLeftovers}); the agent builds this once, at start.
   */
  public Initramfs(CommandRunner runner, OperationRegistry operations, Path root) {
    this.runner = runner;
    this.operations = operations;
    operations.afterInterruption(KIND, new InitramfsLeftovers(root)::clean);
  }

  /** Returns the running Operation; its phase is the tool's latest line. */
  public Operation update() {
    return operations.runInBackground(operations.start(KIND, "initramfs", RESUME_HINT),
        h -> runner.run(UPDATE, line -> h.progress(Progress.newBuilder().setPhase(line).build()))
            .orThrow());
  }
}
