package io.raidvm.cli.vm;

import com.google.protobuf.Timestamp;
import io.raidvm.api.controller.v1.Accel;
import io.raidvm.api.controller.v1.ConsoleChunk;
import io.raidvm.api.controller.v1.CreateVmRequest;
import io.raidvm.api.controller.v1.DeleteVmRequest;
import io.raidvm.api.controller.v1.GetVmRequest;
import io.raidvm.api.controller.v1.ListVmsRequest;
import io.raidvm.api.controller.v1.ListVmsResponse;
import io.raidvm.api.controller.v1.ReadConsoleRequest;
import io.raidvm.api.controller.v1.RebootVmRequest;
import io.raidvm.api.controller.v1.StartVmRequest;
import io.raidvm.api.controller.v1.StopVmRequest;
import io.raidvm.api.controller.v1.Vm;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.Confirmation;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** raidctl vm: QEMU virtual machines run by the controller. */
@Command(name = "vm", description = "Create, start, stop, inspect and delete VMs.",
    subcommands = {VmCommand.Create.class, VmCommand.Start.class, VmCommand.Stop.class,
        VmCommand.Reboot.class, VmCommand.Show.class, VmCommand.ListVms.class,
        VmCommand.Console.class, VmCommand.Delete.class},
    footer = {"", "Examples:", "  raidctl vm create vm1 --disk d1 --disk d2 --disk d3 --disk d4",
        "  raidctl vm start vm1", "  raidctl vm list"})
public final class VmCommand {

  static String state(Vm vm) {
    return vm.getState().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static void print(Printer printer, List<Vm> vms) {
    printer.table(List.of("NAME", "STATE", "AGENT", "MEMORY", "CPUS", "ACCEL", "DATA DISKS"),
        vms.stream().map(vm -> List.of(vm.getSpec().getName(), state(vm),
            vm.getAgent().getConnected() ? "connected" : "-",
            vm.getSpec().getMemoryMib() + " MiB", String.valueOf(vm.getSpec().getVcpus()),
            vm.getAccel().isEmpty() ? "-" : vm.getAccel(),
            String.join(",", vm.getSpec().getDataDisksList()))).toList());
  }

  static void show(Printer printer, Vm vm) {
    List<List<String>> f = new ArrayList<>();
    f.add(List.of("name", vm.getSpec().getName()));
    f.add(List.of("state", state(vm)));
    if (!vm.getStateReason().isEmpty()) {
      f.add(List.of("why", vm.getStateReason()));
    }
    f.add(List.of("agent", vm.getAgent().getConnected()
        ? "connected since " + time(vm.getAgent().getConnectedSince()) : "not connected"));
    if (!vm.getAgent().getLastError().isEmpty()) {
      f.add(List.of("agent error", vm.getAgent().getLastError()));
    }
    f.add(List.of("memory", vm.getSpec().getMemoryMib() + " MiB"));
    f.add(List.of("cpus", String.valueOf(vm.getSpec().getVcpus())));
    f.add(List.of("accel", vm.getAccel().isEmpty() ? "-" : vm.getAccel() + " (cpu "
        + vm.getCpuModel() + ")"));
    f.add(List.of("pid", vm.getPid() == 0 ? "-" : String.valueOf(vm.getPid())));
    f.add(List.of("os disk", vm.getOsDiskPath()));
    f.add(List.of("data disks", String.join(", ", vm.getSpec().getDataDisksList())));
    f.add(List.of("console log", vm.getConsoleLogPath()));
    for (String w : vm.getWarningsList()) {
      f.add(List.of("warning", w));
    }
    printer.fields(f);
  }

  private static String time(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }

  @Command(name = "create", description = "Define a VM: its OS disk is made from the image.",
      footer = {"", "Example:", "  raidctl vm create vm1 --disk d1 --disk d2 --disk d3 --disk d4"})
  static final class Create extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--memory", paramLabel = "MIB", description = "Memory in MiB (default 1024).")
    int memoryMib = 1024;

    @Option(names = "--cpus", description = "Virtual CPUs (default 2).")
    int cpus = 2;

    @Option(names = "--image", paramLabel = "ID|PATH",
        description = "Image id or path (default: the current image).")
    String image = "";

    @Option(names = "--disk", paramLabel = "DISK", description = "Data disk, in order; repeat.")
    List<String> disks = new ArrayList<>();

    @Option(names = "--accel", description = "auto, kvm or tcg (default auto).")
    String accel = "auto";

    @Override
    protected void run(ControllerClient client, Printer printer) {
      VmSpec spec = VmSpec.newBuilder().setName(name).setMemoryMib(memoryMib).setVcpus(cpus)
          .setImage(image).addAllDataDisks(disks).setAccel(accel(accel)).build();
      output.print(printer, client.vms().createVm(CreateVmRequest.newBuilder().setSpec(spec)
          .build()), vm -> show(printer, vm));
    }

    private Accel accel(String text) {
      return switch (text) {
        case "auto" -> Accel.ACCEL_AUTO;
        case "kvm" -> Accel.ACCEL_KVM;
        case "tcg" -> Accel.ACCEL_TCG;
        default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--accel must be auto, kvm or tcg, not '" + text + "'");
      };
    }
  }

  /** A command that waits until the VM's agent answers: VM name and --ready-timeout. */
  abstract static class WaitsForAgent extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--ready-timeout", paramLabel = "SECONDS",
        description = "How long to wait for the agent (default 600).")
    int readyTimeout = 600;

    @Override
    protected Duration defaultTimeout() {
      return Duration.ofSeconds(readyTimeout + 60L);
    }
  }

  @Command(name = "start", description = "Start a VM and wait until its agent answers.",
      footer = {"", "Examples:", "  raidctl vm start vm1",
          "  raidctl vm start vm1 --no-wait   (return once QEMU runs)"})
  static final class Start extends WaitsForAgent {
    @Option(names = "--no-wait", description = "Return once QEMU runs.")
    boolean noWait;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.vms().startVm(StartVmRequest.newBuilder().setName(name)
          .setNoWait(noWait).setReadyTimeoutSeconds(readyTimeout).build()),
          vm -> show(printer, vm));
    }
  }

  @Command(name = "stop", description = "Power a VM off: politely, then firmly.",
      footer = {"", "Examples:", "  raidctl vm stop vm1", "  raidctl vm stop vm1 --force --yes"})
  static final class Stop extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--force", description = "Quit QEMU at once.")
    boolean force;

    @Option(names = "--grace", paramLabel = "SECONDS",
        description = "How long the guest may take to power off (default 120).")
    int grace = 120;

    @Mixin
    Confirmation confirmation;

    @Mixin
    InterruptReshape reshape;

    @Override
    protected Duration defaultTimeout() {
      return Duration.ofSeconds(grace + 60L);
    }

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm(force ? "Stop VM " + name + " at once (QEMU quits as if the power"
          + " were cut)? What the guest has not written yet is lost."
          : "Stop VM " + name + "? Its guest powers off; what runs in it stops.");
      output.print(printer, client.vms().stopVm(StopVmRequest.newBuilder().setName(name)
          .setForce(force).setTimeoutSeconds(grace).setInterruptReshape(reshape.interrupt)
          .build()), vm -> show(printer, vm));
    }
  }

  @Command(name = "reboot", description = "Reboot the guest and wait until its agent answers.",
      footer = {"", "Example:", "  raidctl vm reboot vm1"})
  static final class Reboot extends WaitsForAgent {
    @Mixin
    Confirmation confirmation;

    @Mixin
    InterruptReshape reshape;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Reboot VM " + name + "? Its guest is down until it is up again.");
      output.print(printer, client.vms().rebootVm(RebootVmRequest.newBuilder().setName(name)
          .setReadyTimeoutSeconds(readyTimeout).setInterruptReshape(reshape.interrupt).build()),
          vm -> show(printer, vm));
    }
  }

  @Command(name = "show", description = "Show a VM's state, agent link and files.",
      footer = {"", "Examples:", "  raidctl vm show vm1", "  raidctl vm show vm1 -o json"})
  static final class Show extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.vms().getVm(GetVmRequest.newBuilder().setName(name).build()),
          vm -> show(printer, vm));
    }
  }

  @Command(name = "list", description = "List VMs.",
      footer = {"", "Example:", "  raidctl vm list"})
  static final class ListVms extends ClientCommand {
    @Override
    protected void run(ControllerClient client, Printer printer) {
      ListVmsResponse listing = client.vms().listVms(ListVmsRequest.getDefaultInstance());
      listing.getWarningsList().forEach(this::warn);
      output.print(printer, listing, r -> print(printer, r.getVmsList()));
    }
  }

  @Command(name = "console", description = "Print the guest's serial console; --follow keeps"
      + " printing what it prints next.",
      footer = {"", "Example:", "  raidctl vm console vm1 --follow"})
  static final class Console extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = {"-f", "--follow"}, description = "Keep printing until interrupted.")
    boolean follow;

    @Option(names = {"-n", "--lines"}, description = "Start this many lines before the end"
        + " (default 50).")
    int lines = 50;

    @Override
    protected Duration defaultTimeout() {
      return follow ? Duration.ofDays(365) : Duration.ofSeconds(60);
    }

    @Override
    protected void run(ControllerClient client, Printer printer) {
      Iterator<ConsoleChunk> chunks = client.vms().readConsole(ReadConsoleRequest.newBuilder()
          .setName(name).setLines(lines).setFollow(follow).build());
      while (chunks.hasNext()) {
        ConsoleChunk chunk = chunks.next();
        if (output.json()) {
          printer.jsonLine(chunk);
        } else {
          printer.partial(chunk.getText());
        }
      }
    }
  }

  @Command(name = "delete", description = "Delete a stopped VM and its OS disk (data disks stay).",
      footer = {"", "Example:", "  raidctl vm delete vm1"})
  static final class Delete extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Mixin
    Confirmation confirmation;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Delete VM " + name + " and its OS disk (the guest's system and"
          + " settings)? Its data disks stay.");
      client.vms().deleteVm(DeleteVmRequest.newBuilder().setName(name).build());
      output.note(printer, "deleted VM " + name);
    }
  }
}
