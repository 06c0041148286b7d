package io.raidvm.cli.raid;

import io.raidvm.api.agent.v1.GrowArrayRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.cli.support.Confirmation;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.cli.support.WaitOption;
import io.raidvm.common.error.RaidvmException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * raidctl raid grow: one more member, another level or chunk, then the filesystem. A new disk
 * comes to the VM as a replace's does ({@link NewDisk}); the agent checks the rest.
 */
@Command(name = "grow", description = "Grow an array onto one more disk, or reshape it (raid5 <->"
    + " raid6, chunk); follows the reshape, then grows the mounted filesystem. A new disk is"
    + " created (--create-size) and attached first when the VM does not have it; run the same"
    + " command again to continue where it stopped (also after a reboot).",
    footer = {"", "Examples:",
        "  raidctl raid grow vm1 md127 --new-disk d5 --create-size 64M",
        "  raidctl raid grow vm1 md127 --new-disk d6 --level 6",
        "  raidctl raid grow vm1 md127 --add-partition d5-part1",
        "  raidctl raid grow vm1 md127 --level 5"})
final class RaidGrow extends RaidCommand.OnArray {

  @Mixin
  WaitOption wait;

  @Mixin
  Confirmation confirmation;

  @Mixin
  NewDiskOption newDisk;

  @Option(names = "--add-partition", paramLabel = "DEVICE", description = "Add this partition,"
      + " already in the guest, as it is.")
  String partition = "";

  @Option(names = "--raid-devices", paramLabel = "N", description = "Members after the reshape"
      + " (default: the members now plus the one added; one fewer for raid6 to raid5).")
  int raidDevices;

  @Option(names = "--level", description = "The level after the reshape: 6 from 5 (with one"
      + " more disk), 5 from 6 or 4.")
  String level = "";

  @Option(names = "--chunk", paramLabel = "KIB", description = "The chunk size after the"
      + " reshape, in KiB (raid4/5/6).")
  int chunk;

  @Option(names = "--grow-filesystem", negatable = true, defaultValue = "true",
      fallbackValue = "true", description = "Grow the filesystem mounted from the array once"
      + " the reshape is over (ext4: resize2fs, xfs: xfs_growfs; default: yes).")
  boolean growFilesystem;

  @Option(names = "--force", description = "Use a disk or partition that holds data (never one"
      + " in use).")
  boolean force;

  @Override
  protected void run(ControllerClient client, Printer printer) {
    newDisk.check();
    if (!newDisk.disk.isEmpty() && !partition.isEmpty()) {
      throw RaidvmException.invalidArgument("give --new-disk or --add-partition, not both");
    }
    String adding = !newDisk.disk.isEmpty() ? "disk " + newDisk.disk
        : !partition.isEmpty() ? partition : "";
    confirmation.confirm("Reshape " + arrayPath() + " of VM " + vm
        + (adding.isEmpty() ? "" : " onto " + adding) + (level.isEmpty() ? "" : " to raid"
        + level.replaceFirst("(?i)^raid", "")) + "? md rewrites every stripe"
        + (adding.isEmpty() ? "" : "; data on " + adding + " is lost") + ".");
    newDisk.bring(client, vm, line -> output.note(printer, line));
    Operation op = RaidCommand.raid(client, vm).growArray(GrowArrayRequest.newBuilder()
        .setArray(array).setNewDisk(newDisk.disk).setPartition(partition).setRaidDevices(raidDevices)
        .setLevel(level).setChunkKib(chunk).setGrowFilesystem(growFilesystem).setForce(force)
        .build());
    showResult(printer, finish(client, printer, wait, op));
  }
}
