package io.raidvm.cli;

import io.raidvm.cli.agent.AgentCommand;
import io.raidvm.cli.alert.AlertCommand;
import io.raidvm.cli.audit.AuditCommand;
import io.raidvm.cli.controller.ControllerCommand;
import io.raidvm.cli.scrub.ScrubCommand;
import io.raidvm.cli.blk.BlkCommand;
import io.raidvm.cli.fault.FaultCommand;
import io.raidvm.cli.fs.FsCommand;
import io.raidvm.cli.op.OpCommand;
import io.raidvm.cli.provision.ProvisionCommand;
import io.raidvm.cli.raid.RaidCommand;
import io.raidvm.cli.disk.DiskCommand;
import io.raidvm.cli.drill.DrillCommand;
import io.raidvm.cli.image.ImageCommand;
import io.raidvm.cli.support.ErrorHandler;
import io.raidvm.cli.vm.VmCommand;
import io.raidvm.cli.watch.WatchCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** raidctl: a thin client of the raidvm host controller. */
@Command(name = "raidctl", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
    versionProvider = Version.class,
    description = "Software RAID inside QEMU VMs: disks, images, VMs and their guest agents.",
    subcommands = {DiskCommand.class, ImageCommand.class, VmCommand.class, AgentCommand.class,
        BlkCommand.class, BlkCommand.Part.class, RaidCommand.class, FsCommand.class,
        OpCommand.class, AutoComplete.GenerateCompletion.class, WatchCommand.class,
        ProvisionCommand.class, AuditCommand.class, ScrubCommand.class, AlertCommand.class,
        FaultCommand.class, DrillCommand.class, ControllerCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Examples:", "  raidctl provision demo --disk-size 64M", "  raidctl vm list",
        "  raidctl raid create --help", "  source <(raidctl generate-completion)"})
public final class RaidctlMain {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command tree with raidctl's error handling; tests call {@code execute} on it. */
  public static CommandLine commandLine() {
    return commandLine(CommandLine.defaultFactory());
  }

  /** The same, its commands and their options made by {@code factory} (tests: a terminal). */
  public static CommandLine commandLine(CommandLine.IFactory factory) {
    CommandLine cli = new CommandLine(new RaidctlMain(), factory);
    cli.setExecutionExceptionHandler(new ErrorHandler());
    cli.setExitCodeExceptionMapper(ErrorHandler::exitCode);
    example(cli.getSubcommands().get("generate-completion"),
        "source <(raidctl generate-completion)");
    example(cli.getSubcommands().get("help"), "raidctl help raid create");
    return cli;
  }

  /** picocli's own commands show an example too, as raidctl's do. */
  private static void example(CommandLine command, String example) {
    command.getCommandSpec().usageMessage().footer("", "Example:", "  " + example);
  }
}
