package io.raidvm.cli.support;

import io.raidvm.api.agent.v1.Operation;
import java.time.Duration;
import picocli.CommandLine.Parameters;

/** A command for one VM's agent: the VM comes first, and long operations are followed. */
public abstract class AgentCall extends ClientCommand {

  @Parameters(index = "0", paramLabel = "VM", description = "The VM whose guest to act on.")
  protected String vm;

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofHours(1);
  }

  /** Follows {@code started} to its end unless --no-wait; prints the final state. */
  protected Operation finish(ControllerClient client, Printer printer, WaitOption wait,
      Operation started) {
    if (wait.noWait) {
      output.print(printer, started, op -> printer.line("started " + op.getKind() + " "
          + op.getTarget() + ": operation " + op.getId() + " (follow it: raidctl op wait " + vm
          + " " + op.getId() + ")"));
      return started;
    }
    return OperationFollower.follow(client, vm, started, printer, output.json());
  }
}
