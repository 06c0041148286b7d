package io.raidvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --help of every command, group and leaf, ends with an example of it. */
class HelpTest {

  private static final Pattern HEADING = Pattern.compile("(?m)^Examples?\\b[^\\n]*:$");

  /** What the usage says after its "Example:" or "Examples:" heading; empty without one. */
  private static String examples(CommandLine command) {
    String usage = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
    Matcher heading = HEADING.matcher(usage);
    return heading.find() ? usage.substring(heading.end()) : "";
  }

  @Test
  void everyCommand_showsAnExampleThatRunsIt() {
    List<String> without = new ArrayList<>();
    List<String> all = new ArrayList<>();
    Raidctl.eachCommand(c -> {
      String name = c.getCommandSpec().qualifiedName(" ");
      all.add(name);
      if (!examples(c).contains(name)) {
        without.add(name);
      }
    });
    assertEquals(List.of(), without, "commands whose --help has no example of them");
    assertTrue(all.contains("raidctl raid zero-superblock"), "the walk reaches the leaves");
  }

  @Test
  void everyExample_isACommandLineRaidctlAccepts() {
    List<String> examples = new ArrayList<>();
    Raidctl.eachCommand(c -> {
      String text = examples(c).replace("\\\n", " ");
      for (String line : text.split("\n")) {
        line = line.strip().replaceFirst("\\s+\\(.*\\)$", "");
        if (line.startsWith("raidctl ")) {
          examples.add(line);
        }
      }
    });
    List<String> rejected = new ArrayList<>();
    for (String example : examples) {
      try {
        RaidctlMain.commandLine().parseArgs(example.substring("raidctl ".length())
            .split("\\s+"));
      } catch (CommandLine.ParameterException e) {
        rejected.add(example + ": " + e.getMessage());
      }
    }
    assertEquals(List.of(), rejected);
    assertTrue(examples.size() > 50, examples.toString());
  }

  @Test
  void anExample_isShownUnderItsHeading() {
    assertEquals("\n  raidctl disk show d1\n", examples(
        RaidctlMain.commandLine().getSubcommands().get("disk").getSubcommands().get("show")));
  }
}
