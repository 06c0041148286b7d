package io.raidvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/** A command line runs in a tree of only the command it names, which behaves as the whole's. */
class RaidctlMainTest {

  private static CommandLine treeFor(String... args) {
    return RaidctlMain.commandLine(CommandLine.defaultFactory(), args);
  }

  /** The usage of {@code command} and of every command under it, by qualified name. */
  private static Map<String, String> usages(CommandLine command) {
    Map<String, String> usages = new LinkedHashMap<>();
    usages.put(command.getCommandSpec().qualifiedName(" "), command.getUsageMessage(Ansi.OFF));
    command.getSubcommands().values().stream().distinct()
        .forEach(sub -> usages.putAll(usages(sub)));
    return usages;
  }

  @Test
  void eachCommandsName_isTheNameItsAnnotationGives() {
    List<String> names = new ArrayList<>();
    RaidctlMain.COMMANDS.values().forEach(c -> names.add(new CommandLine(c).getCommandName()));
    assertEquals(List.copyOf(RaidctlMain.COMMANDS.keySet()), names);
  }

  @Test
  void aCommandLine_getsOnlyTheCommandItNames() {
    assertEquals(Set.of("vm"), treeFor("vm", "list").getSubcommands().keySet());
    assertEquals(Set.of("controller"),
        treeFor("controller", "info", "--socket", "/x").getSubcommands().keySet());
  }

  @Test
  void noCommand_help_completion_orAMistake_getTheWholeTree() {
    Set<String> all = RaidctlMain.commandLine().getSubcommands().keySet();
    assertEquals(19, all.size(), all.toString());
    for (String[] args : List.of(new String[0], new String[] {"--help"},
        new String[] {"help", "vm", "list"}, new String[] {"generate-completion"},
        new String[] {"vn", "list"})) {
      assertEquals(all, treeFor(args).getSubcommands().keySet(), String.join(" ", args));
    }
  }

  @Test
  void eachCommandsUsage_inItsOwnTree_isAsInTheWholeTree() {
    Map<String, String> whole = usages(RaidctlMain.commandLine());
    int compared = 0;
    for (String name : RaidctlMain.COMMANDS.keySet()) {
      CommandLine own = treeFor(name).getSubcommands().get(name);
      for (Map.Entry<String, String> usage : usages(own).entrySet()) {
        assertEquals(whole.get(usage.getKey()), usage.getValue(), usage.getKey());
        compared++;
      }
    }
    assertEquals(whole.size() - 3, compared, "all but raidctl, help and generate-completion");
  }

  @Test
  void aMistakeInACommandsOwnTree_isReportedAsInTheWholeTree() {
    for (String[] args : List.of(new String[] {"vm", "lst"}, new String[] {"vm", "list", "-x"},
        new String[] {"raid", "create"})) {
      assertEquals(failure(RaidctlMain.commandLine(), args), failure(treeFor(args), args),
          String.join(" ", args));
    }
  }

  private static String failure(CommandLine cli, String... args) {
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    return cli.execute(args) + " " + err;
  }
}
