package io.raidvm.cli.raid;

import io.raidvm.api.agent.v1.AddMemberRequest;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** raidctl raid spare add|remove: hot spares, which md rebuilds onto when a member fails. */
@Command(name = "spare", description = "Add or remove a hot spare: md rebuilds onto it by itself"
    + " when a member fails.",
    subcommands = {SpareCommand.Add.class, SpareCommand.Remove.class},
    footer = {"", "Examples:", "  raidctl raid spare add vm1 md127 d5-part1",
        "  raidctl raid spare remove vm1 md127 d5-part1"})
final class SpareCommand {

  private SpareCommand() {}

  @Command(name = "add", description = "Add a hot spare (refused while the array misses a"
      + " member: then md rebuilds at once; use raid add).",
      footer = {"", "Example:", "  raidctl raid spare add vm1 md127 d5-part1"})
  static final class Add extends RaidCommand.OnMember {
    @Option(names = "--force", description = "Add a device that holds data or another array's"
        + " superblock (never one in use).")
    boolean force;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Add " + device + " as a spare to " + arrayPath() + " of VM " + vm
          + "? Data on " + device + " is lost.");
      show(printer, RaidCommand.raid(client, vm).addSpare(AddMemberRequest.newBuilder()
          .setArray(array).setDevice(device).setForce(force).build()));
    }
  }

  @Command(name = "remove", description = "Take a hot spare out (never an active member).",
      footer = {"", "Example:", "  raidctl raid spare remove vm1 md127 d5-part1"})
  static final class Remove extends RaidCommand.OnMember {
    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Remove the spare " + device + " from " + arrayPath() + " of VM " + vm
          + "?");
      show(printer, RaidCommand.raid(client, vm).removeSpare(request()));
    }
  }
}
