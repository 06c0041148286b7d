package io.raidvm.controller.image;

import io.raidvm.common.process.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A command run in the mounted guest rootfs with the guest's own programs: {@code chroot} inside
 * {@code unshare --mount --pid --fork --mount-proc}. The guest's JVM and update-initramfs need
 * /proc; a /proc mounted in a private mount namespace goes away with the process, so nothing is
 * left mounted in the build's folder on any path out (a killed build included).
 */
final class GuestRoot {

  private GuestRoot() {}

  static Command command(Path root, List<String> argv, Duration timeout) {
    List<String> all = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork",
        "--mount-proc=" + root.resolve("proc"), "chroot", root.toString()));
    all.addAll(argv);
    return Command.of(all).withTimeout(timeout);
  }
}
