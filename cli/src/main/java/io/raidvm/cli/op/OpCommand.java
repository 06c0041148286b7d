package io.raidvm.cli.op;

import com.google.protobuf.util.Timestamps;
import io.raidvm.api.agent.v1.GetBootStateRequest;
import io.raidvm.api.agent.v1.GetOperationRequest;
import io.raidvm.api.agent.v1.ListOperationsRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.OperationsGrpc;
import io.raidvm.api.agent.v1.UpdateInitramfsRequest;
import io.raidvm.api.agent.v1.BootGrpc;
import io.raidvm.cli.support.AgentCall;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.OperationFollower;
import io.raidvm.cli.support.Printer;
import io.raidvm.cli.support.WaitOption;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** raidctl op: the long operations of a VM's agent (syncs, mkfs, fsck, initramfs). */
@Command(name = "op",
    description = "Long operations in a VM: list them, follow one; update-initramfs.",
    subcommands = {OpCommand.ListOps.class, OpCommand.Show.class, OpCommand.Wait.class,
        OpCommand.Initramfs.class,
        OpCommand.BootState.class},
    footer = {"", "Examples:", "  raidctl op list vm1", "  raidctl op wait vm1 op-3-19c2f4a1b07"})
public final class OpCommand {

  @Command(name = "list", description = "Operations the agent remembers.",
      footer = {"", "Example:", "  raidctl op list vm1"})
  static final class ListOps extends AgentCall {
    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.agent(vm, OperationsGrpc::newBlockingStub)
          .listOperations(ListOperationsRequest.getDefaultInstance()),
          r -> table(printer, r.getOperationsList()));
    }
  }

  static void table(Printer printer, List<Operation> operations) {
    printer.table(List.of("ID", "KIND", "TARGET", "STATE", "PROGRESS", "ERROR"),
        operations.stream().map(o -> List.of(o.getId(), o.getKind(), o.getTarget(),
            o.getState().name().toLowerCase(Locale.ROOT),
            String.format(Locale.ROOT, "%.0f%%", o.getProgress().getPercent()),
            o.getErrorMessage())).toList());
  }

  @Command(name = "show", description = "One operation as it is now (also after a reconnect).",
      footer = {"", "Example:", "  raidctl op show vm1 op-3-19c2f4a1b07 -o json"})
  static final class Show extends AgentCall {
    @Parameters(index = "1", paramLabel = "ID")
    String id;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.agent(vm, OperationsGrpc::newBlockingStub)
          .getOperation(GetOperationRequest.newBuilder().setId(id).build()),
          o -> table(printer, List.of(o)));
    }
  }

  @Command(name = "wait", description = "Follow an operation to its end (again, after a"
      + " reconnect too).",
      footer = {"", "Example:", "  raidctl op wait vm1 op-3-19c2f4a1b07"})
  static final class Wait extends AgentCall {
    @Parameters(index = "1", paramLabel = "ID")
    String id;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      Operation now = client.agent(vm, OperationsGrpc::newBlockingStub)
          .getOperation(GetOperationRequest.newBuilder().setId(id).build());
      OperationFollower.follow(client, vm, now, printer, output.json());
    }
  }

  @Command(name = "initramfs", description = "update-initramfs -u in the guest (it carries its"
      + " own mdadm.conf).",
      footer = {"", "Example:", "  raidctl op initramfs vm1"})
  static final class Initramfs extends AgentCall {
    @Mixin
    WaitOption wait;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      finish(client, printer, wait, client.agent(vm, BootGrpc::newBlockingStub)
          .updateInitramfs(UpdateInitramfsRequest.getDefaultInstance()));
    }
  }

  @Command(name = "boot-state", description = "Whether the initramfs is older than mdadm.conf,"
      + " and whether mdadm.conf, fstab or the initramfs changed since the guest booted.",
      footer = {"", "Example:", "  raidctl op boot-state vm1"})
  static final class BootState extends AgentCall {
    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.agent(vm, BootGrpc::newBlockingStub)
          .getBootState(GetBootStateRequest.getDefaultInstance()), s -> printer.fields(List.of(
              List.of("booted at", Timestamps.toString(s.getBootedAt())),
              List.of("initramfs", s.getInitramfsPath() + " (" + (s.getInitramfsStale()
                  ? "older than mdadm.conf: run raidctl op initramfs " + vm : "up to date")
                  + ")"),
              List.of("since boot", s.getChangedSinceBoot() ? "changed: a reboot would"
                  + " test the new configuration" : "unchanged"))));
    }
  }
}
