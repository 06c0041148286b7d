package io.raidvm.cli.alert;

import com.google.protobuf.Timestamp;
import io.raidvm.api.controller.v1.AddAlertRuleRequest;
import io.raidvm.api.controller.v1.AlertDelivery;
import io.raidvm.api.controller.v1.AlertKind;
import io.raidvm.api.controller.v1.AlertRule;
import io.raidvm.api.controller.v1.ListAlertRulesRequest;
import io.raidvm.api.controller.v1.ListAlertRulesResponse;
import io.raidvm.api.controller.v1.ProgramTarget;
import io.raidvm.api.controller.v1.RemoveAlertRuleRequest;
import io.raidvm.api.controller.v1.TestAlertRuleRequest;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** raidctl alert: who hears of a failed disk while no one watches. */
@Command(name = "alert", description = "Alert rules: md and VM events (a failed member, a"
    + " degraded array, a vanished device, mismatches after a check, the agent lost, a crashed"
    + " VM, a disk I/O error) delivered by webhook (HTTP POST of JSON) or by a program (the"
    + " alert in RAIDVM_* environment variables, like mdadm's PROGRAM), retried with backoff,"
    + " and delivered after a controller restart.",
    subcommands = {AlertCommand.Add.class, AlertCommand.ListRules.class,
        AlertCommand.Remove.class, AlertCommand.Test.class},
    footer = {"", "Examples:",
        "  raidctl alert add ops --webhook https://hooks.example/raid --kind FAIL",
        "  raidctl alert add page --vm vm1 --program /usr/local/bin/page-me",
        "  raidctl alert test ops", "  raidctl alert list"})
public final class AlertCommand {

  private AlertCommand() {}

  @Command(name = "add", description = "Add a rule; it gets the alerts raised from now on.",
      footer = {"", "Examples:",
          "  raidctl alert add ops --webhook https://hooks.example/raid",
          "  raidctl alert add disks --webhook http://10.0.0.5:8080/x --kind FAIL",
          "  raidctl alert add page --vm vm1 --program /usr/local/bin/page-me --arg raid"})
  static final class Add extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--vm", paramLabel = "VM", description = "Only this VM's; default all.")
    String vm = "";

    @Option(names = "--kind", paramLabel = "KIND", description = "Only these kinds (repeat):"
        + " FAIL, DEGRADED_ARRAY, DEVICE_DISAPPEARED, MISMATCHES, AGENT_LOST, VM_CRASHED,"
        + " DISK_IO_ERROR; default all.")
    List<AlertKind> kinds = new ArrayList<>();

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
      @Option(names = "--webhook", paramLabel = "URL", description = "POST the alert here.")
      String webhook;

      @Option(names = "--program", paramLabel = "PATH",
          description = "Run this program (absolute path, no shell).")
      String program;
    }

    @Option(names = "--arg", paramLabel = "ARG", description = "An argument of --program"
        + " (repeat).")
    List<String> args = new ArrayList<>();

    @Override
    protected void run(ControllerClient client, Printer printer) {
      AlertRule.Builder rule = AlertRule.newBuilder().setName(name).setVm(vm)
          .addAllKinds(kinds);
      if (target.webhook != null) {
        rule.setWebhook(target.webhook);
      } else {
        rule.setProgram(ProgramTarget.newBuilder().addArgv(target.program).addAllArgv(args));
      }
      AlertRule added = client.alerts().addAlertRule(AddAlertRuleRequest.newBuilder()
          .setRule(rule).build());
      output.print(printer, added, r -> printRules(printer, List.of(r)));
    }
  }

  @Command(name = "list", description = "The rules, their targets and their last delivery.",
      footer = {"", "Examples:", "  raidctl alert list", "  raidctl alert list -o json"})
  static final class ListRules extends ClientCommand {
    @Override
    protected void run(ControllerClient client, Printer printer) {
      ListAlertRulesResponse rules = client.alerts().listAlertRules(
          ListAlertRulesRequest.getDefaultInstance());
      output.print(printer, rules, r -> printRules(printer, r.getRulesList()));
    }
  }

  @Command(name = "remove", description = "Remove a rule.",
      footer = {"", "Example:", "  raidctl alert remove ops"})
  static final class Remove extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.alerts().removeAlertRule(RemoveAlertRuleRequest.newBuilder()
          .setName(name).build()), r -> printer.line("removed alert rule " + name));
    }
  }

  @Command(name = "test", description = "Send a test alert to a rule now (one attempt) and say"
      + " how it went; exit 4 when it failed.",
      footer = {"", "Example:", "  raidctl alert test ops"})
  static final class Test extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      AlertDelivery d = client.alerts().testAlertRule(TestAlertRuleRequest.newBuilder()
          .setName(name).build());
      output.print(printer, d, x -> printer.line((x.getOk() ? "delivered: " : "failed: ")
          + x.getOutcome()));
      if (!d.getOk()) {
        throw io.raidvm.common.error.RaidvmException.failedPrecondition(
            "test alert to rule %s not delivered: %s", name, d.getOutcome());
      }
    }
  }

  private static void printRules(Printer printer, List<AlertRule> rules) {
    printer.table(List.of("NAME", "VM", "KINDS", "TARGET", "DELIVERED", "LAST"),
        rules.stream().map(r -> List.of(r.getName(), r.getVm().isEmpty() ? "all" : r.getVm(),
            r.getKindsList().isEmpty() ? "all" : r.getKindsList().stream().map(Enum::name)
                .collect(Collectors.joining(",")),
            r.hasProgram() ? String.join(" ", r.getProgram().getArgvList()) : r.getWebhook(),
            Long.toString(r.getDeliveredSequence()),
            r.getDeliveriesCount() == 0 ? "-" : last(r.getDeliveries(
                r.getDeliveriesCount() - 1)))).toList());
  }

  private static String last(AlertDelivery d) {
    return time(d.getTime()) + " #" + d.getSequence() + " " + d.getKind() + " attempt "
        + d.getAttempt() + ": " + d.getOutcome() + (d.getGaveUp() ? " (given up)" : "");
  }

  private static String time(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds()).toString();
  }
}
