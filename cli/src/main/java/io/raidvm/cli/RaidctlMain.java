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
import io.raidvm.common.grpc.UnixSocketChannels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * raidctl: a thin client of the raidvm host controller.
 *
 * <p>Its commands are added in code rather than listed in the annotation, so that a command line
 * gets a tree with only the command it runs ({@link #commandLine(CommandLine.IFactory,
 * String...)}): picocli reflects on every command it is given, their options and their fields'
 * types (protobuf messages among them), which for the whole tree took longer than the call itself
 * (docs/design.md, "raidctl's start").
 */
@Command(name = "raidctl", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
    versionProvider = Version.class,
    description = "Software RAID inside QEMU VMs: disks, images, VMs and their guest agents.",
    footer = {"", "Examples:", "  raidctl provision demo --disk-size 64M", "  raidctl vm list",
        "  raidctl raid create --help", "  source <(raidctl generate-completion)"})
public final class RaidctlMain {

  /**
   * raidctl's own commands by name, in the order its help lists them (each name is its
   * command's {@code @Command} name: RaidctlMainTest holds them to it).
   */
  static final Map<String, Class<?>> COMMANDS = commands();

  private static final String NETTY_JFR = "io.netty.jfr.enabled";
  private static final Duration EVENT_LOOPS_STOP = Duration.ofSeconds(1);

  public static void main(String[] args) {
    withoutFlightRecorder();
    int code = commandLine(CommandLine.defaultFactory(), args).execute(args);
    // Else the JVM's exit waits 300 ms for the event loops, which sit in native code.
    UnixSocketChannels.stopEventLoops(EVENT_LOOPS_STOP);
    System.exit(code);
  }

  /**
   * Netty's buffer allocators report to Java Flight Recorder when it is available, which loads
   * JFR and makes its event classes at every start; raidctl records nothing.
   */
  static void withoutFlightRecorder() {
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
  }

  /** The whole command tree with raidctl's error handling; tests call {@code execute} on it. */
  public static CommandLine commandLine() {
    return commandLine(CommandLine.defaultFactory());
  }

  /** The same, its commands and their options made by {@code factory} (tests: a terminal). */
  public static CommandLine commandLine(CommandLine.IFactory factory) {
    CommandLine cli = new CommandLine(new RaidctlMain(), factory);
    List<Class<?>> all = new ArrayList<>(COMMANDS.values());
    // picocli's own, after generate-completion's place among them in the help
    all.add(all.indexOf(WatchCommand.class), AutoComplete.GenerateCompletion.class);
    all.add(CommandLine.HelpCommand.class);
    all.forEach(cli::addSubcommand);
    example(cli.getSubcommands().get("generate-completion"),
        "source <(raidctl generate-completion)");
    example(cli.getSubcommands().get("help"), "raidctl help raid create");
    return handlingErrors(cli);
  }

  /**
   * The tree that runs {@code args}: raidctl with only the command that {@code args[0]} names
   * when it is one of raidctl's own, else the whole tree (no command, {@code help},
   * {@code generate-completion}, a mistake that picocli answers with the names it knows).
   */
  public static CommandLine commandLine(CommandLine.IFactory factory, String... args) {
    Class<?> command = args.length == 0 ? null : COMMANDS.get(args[0]);
    if (command == null) {
      return commandLine(factory);
    }
    CommandLine cli = new CommandLine(new RaidctlMain(), factory);
    cli.addSubcommand(command);
    return handlingErrors(cli);
  }

  /** raidctl's error handling, set once the tree is complete (picocli copies it down then). */
  private static CommandLine handlingErrors(CommandLine cli) {
    cli.setExecutionExceptionHandler(new ErrorHandler());
    cli.setExitCodeExceptionMapper(ErrorHandler::exitCode);
    return cli;
  }

  private static Map<String, Class<?>> commands() {
    Map<String, Class<?>> commands = new LinkedHashMap<>();
    commands.put("disk", DiskCommand.class);
    commands.put("image", ImageCommand.class);
    commands.put("vm", VmCommand.class);
    commands.put("agent", AgentCommand.class);
    commands.put("blk", BlkCommand.class);
    commands.put("part", BlkCommand.Part.class);
    commands.put("raid", RaidCommand.class);
    commands.put("fs", FsCommand.class);
    commands.put("op", OpCommand.class);
    commands.put("watch", WatchCommand.class);
    commands.put("provision", ProvisionCommand.class);
    commands.put("audit", AuditCommand.class);
    commands.put("scrub", ScrubCommand.class);
    commands.put("alert", AlertCommand.class);
    commands.put("fault", FaultCommand.class);
    commands.put("drill", DrillCommand.class);
    commands.put("controller", ControllerCommand.class);
    return Collections.unmodifiableMap(commands);
  }

  /** picocli's own commands show an example too, as raidctl's do. */
  private static void example(CommandLine command, String example) {
    command.getCommandSpec().usageMessage().footer("", "Example:", "  " + example);
  }
}
