package io.raidvm.cli.raid;

import io.raidvm.cli.support.ControllerClient;
import io.raidvm.common.error.RaidvmException;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** --new-disk and --create-size, on the commands that put a new disk in (replace, grow). */
final class NewDiskOption {

  @Option(names = "--new-disk", paramLabel = "DISK", description = "Put this disk in,"
      + " partitioned like the other members (replace's default: the old member's disk). A"
      + " controller disk the VM does not have yet is attached first (hot-plug).")
  String disk = "";

  @Option(names = "--create-size", paramLabel = "SIZE", description = "Create --new-disk with"
      + " this size when it does not exist (e.g. 64M).")
  String createSize = "";

  /** Checks the two go together; nothing is asked of the controller yet. */
  void check() {
    if (disk.isEmpty() && !createSize.isEmpty()) {
      throw RaidvmException.invalidArgument("--create-size needs --new-disk: it says how large"
          + " to create that disk");
    }
  }

  /** Brings the disk to the VM when one is given ({@link NewDisk#bring}). */
  void bring(ControllerClient client, String vm, Consumer<String> note) {
    if (!disk.isEmpty()) {
      NewDisk.bring(client, vm, disk, createSize, note);
    }
  }
}
