package io.raidvm.cli.disk;

import io.raidvm.api.controller.v1.AttachDiskRequest;
import io.raidvm.api.controller.v1.AttachDiskResponse;
import io.raidvm.api.controller.v1.CreateDiskRequest;
import io.raidvm.api.controller.v1.DeleteDiskRequest;
import io.raidvm.api.controller.v1.DetachDiskRequest;
import io.raidvm.api.controller.v1.DetachDiskResponse;
import io.raidvm.api.controller.v1.Disk;
import io.raidvm.api.controller.v1.GetDiskRequest;
import io.raidvm.api.controller.v1.ListDisksRequest;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.Confirmation;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.common.Sizes;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** raidctl disk: qcow2 disks in the controller's state directory. */
@Command(name = "disk",
    description = "Create, list and delete virtual disks; attach them to VMs and detach them.",
    subcommands = {DiskCommand.Create.class, DiskCommand.ListDisks.class, DiskCommand.Show.class,
        DiskCommand.Delete.class, DiskCommand.Attach.class, DiskCommand.Detach.class},
    footer = {"", "Examples:", "  raidctl disk create d1 --size 3G", "  raidctl disk list",
        "  raidctl disk attach vm1 d5"})
public final class DiskCommand {

  static void print(Printer printer, List<Disk> disks) {
    printer.table(List.of("NAME", "SIZE", "ALLOCATED", "FORMAT", "USED BY", "PATH"),
        disks.stream().map(d -> List.of(d.getName(), Sizes.human(d.getVirtualSizeBytes()),
            Sizes.human(d.getActualSizeBytes()), d.getFormat(), String.join(",", d.getUsedByList()),
            d.getPath())).toList());
  }

  @Command(name = "create", description = "Create a qcow2 disk.",
      footer = {"", "Example:", "  raidctl disk create d1 --size 64M"})
  static final class Create extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "Disk name, the serial the guest sees:"
        + " [a-z0-9][a-z0-9-]*, at most 20 characters, not 'os' nor a kernel device name"
        + " (sdb, md0, …).")
    String name;

    @Option(names = "--size", required = true, paramLabel = "SIZE",
        description = "Size: bytes, or a number with K, M, G, T (e.g. 64M, 3G); at least 1M,"
            + " a multiple of 512, at most the free space where disks are kept.")
    String size;

    @Option(names = "--allow-overcommit",
        description = "Allow a size beyond the free space (qcow2 grows as the guest writes).")
    boolean allowOvercommit;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.disks().createDisk(
          CreateDiskRequest.newBuilder().setName(name).setSize(size)
              .setAllowOvercommit(allowOvercommit).build()),
          d -> print(printer, List.of(d)));
    }
  }

  @Command(name = "list", description = "List disks.",
      footer = {"", "Examples:", "  raidctl disk list", "  raidctl disk list -o json"})
  static final class ListDisks extends ClientCommand {
    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.disks().listDisks(ListDisksRequest.getDefaultInstance()),
          r -> print(printer, r.getDisksList()));
    }
  }

  @Command(name = "show", description = "Show one disk.",
      footer = {"", "Example:", "  raidctl disk show d1"})
  static final class Show extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.disks().getDisk(GetDiskRequest.newBuilder().setName(name)
          .build()), d -> print(printer, List.of(d)));
    }
  }

  @Command(name = "delete", description = "Delete a disk that no running VM uses.",
      footer = {"", "Examples:", "  raidctl disk delete d1",
          "  raidctl disk delete d1 --yes      (without asking)"})
  static final class Delete extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Mixin
    Confirmation confirmation;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Delete disk " + name + "? Everything on it is lost.");
      client.disks().deleteDisk(DeleteDiskRequest.newBuilder().setName(name).build());
      output.note(printer, "deleted disk " + name);
    }
  }

  /** A command about one disk of one VM: VM DISK. */
  abstract static class VmDisk extends ClientCommand {
    @Parameters(index = "0", paramLabel = "VM")
    String vm;

    @Parameters(index = "1", paramLabel = "DISK", description = "A data disk, by name.")
    String disk;

    /**
     * The controller waits up to 60 s for the guest to list an attached disk, and up to 30 s
     * for QEMU to report a detached one gone, besides QEMU's and the agent's own steps.
     */
    @Override
    protected Duration defaultTimeout() {
      return Duration.ofMinutes(3);
    }
  }

  @Command(name = "attach", description = "Attach a disk to a VM: at once to a running VM"
      + " (hot-plug; waits until the guest lists it), and to its spec, so every later start"
      + " has it.",
      footer = {"", "Example:", "  raidctl disk attach vm1 d5"})
  static final class Attach extends VmDisk {
    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.vms().attachDisk(AttachDiskRequest.newBuilder().setName(vm)
          .setDisk(disk).build()), r -> printer.line(attached(r)));
    }

    private String attached(AttachDiskResponse r) {
      if (!r.getHotPlugged()) {
        return "attached disk " + disk + " to VM " + vm + " (stopped: it has it from its next"
            + " start)";
      }
      return "attached disk " + disk + " to running VM " + vm + " at scsi-id " + r.getScsiId()
          + (r.getGuestDevice().isEmpty() ? " (its agent does not answer: the guest device is"
              + " not known)" : ": the guest sees it as " + r.getGuestDevice());
    }
  }

  @Command(name = "detach", description = "Detach a disk from a VM: at once from a running VM"
      + " (a disk the guest uses, e.g. an md member or mounted, is refused without --force),"
      + " and from its spec.",
      footer = {"", "Examples:", "  raidctl disk detach vm1 d5",
          "  raidctl disk detach vm1 d2 --force   (even an active md member)"})
  static final class Detach extends VmDisk {
    @Option(names = "--force", description = "Detach even a disk the guest uses (an md array"
        + " sees a missing member, a filesystem loses its device), or when the guest cannot be"
        + " asked.")
    boolean force;

    @Mixin
    Confirmation confirmation;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Detach disk " + disk + " from VM " + vm + "? A running guest loses"
          + " it at once" + (force ? ", even while it uses it." : "."));
      output.print(printer, client.vms().detachDisk(DetachDiskRequest.newBuilder().setName(vm)
          .setDisk(disk).setForce(force).build()), r -> printer.line(detached(r)));
    }

    private String detached(DetachDiskResponse r) {
      return "detached disk " + disk + " from VM " + vm + (r.getHotUnplugged()
          ? " (pulled from the running VM)" : " (its spec: it was not running)");
    }
  }
}
