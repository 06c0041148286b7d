package io.raidvm.cli.fault;

import io.raidvm.api.controller.v1.FaultKind;
import io.raidvm.api.controller.v1.FaultRequest;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.Confirmation;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.common.Sizes;
import java.time.Duration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** raidctl fault: a fault injected from the host, as a dying drive or a kernel crash does it. */
@Command(name = "fault", description = "Inject a fault from the host: pull a disk out of a"
    + " running VM (surprise removal, the guest is not asked), write garbage into a stopped"
    + " VM's md member, or crash the guest's kernel with an NMI.",
    footer = {"", "Examples:", "  raidctl fault vm1 d2 --pull",
        "  raidctl fault vm1 d2 --corrupt --offset 1M --length 64K --seed 7",
        "  raidctl fault vm1 --nmi",
        "", "A pulled disk stays in the VM's spec, marked pulled: a restart leaves it out;",
        "disk attach plugs it in again, disk detach takes it out of the spec."})
public final class FaultCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "VM")
  String vm;

  @Parameters(index = "1", arity = "0..1", paramLabel = "DISK", description = "A data disk of"
      + " the VM, by name (never the OS disk); none with --nmi.")
  String disk = "";

  @ArgGroup(exclusive = true, multiplicity = "1")
  Kind kind;

  static final class Kind {
    @Option(names = "--pull", required = true, description = "Pull the disk out of the running"
        + " VM at once, without asking the guest: md must notice on its own.")
    boolean pull;

    @Option(names = "--corrupt", required = true, description = "With the VM stopped, write"
        + " pseudo-random bytes into the md data area of the disk's member (qemu-io on the"
        + " qcow2): a later raid check finds mismatches.")
    boolean corrupt;

    @Option(names = "--io-error", required = true, description = "I/O errors on every read and"
        + " write (not offered yet: the controller says why).")
    boolean ioError;

    @Option(names = "--nmi", required = true, description = "Send an NMI to the running guest"
        + " (QMP inject-nmi, as virsh inject-nmi): a raidvm image's kernel panics, resets after"
        + " 5 s and boots again. For md it is a power cut.")
    boolean nmi;
  }

  @Option(names = "--interrupt-reshape", description = "--nmi: go ahead even while md reshapes"
      + " an array in the guest (refused without it: a reshape cut short lost data).")
  boolean interruptReshape;

  @Option(names = "--offset", paramLabel = "SIZE", description = "--corrupt: where, into the md"
      + " data area (bytes, or with K, M, G); default: the middle of the area.")
  String offset = "";

  @Option(names = "--length", paramLabel = "SIZE", description = "--corrupt: how much (at most"
      + " 16M); default 64K.")
  String length = "";

  @Option(names = "--seed", description = "--corrupt: seed of the bytes (default 1).")
  long seed = 1;

  @Mixin
  Confirmation confirmation;

  /** A pull waits up to 30 s for QEMU to report the device gone; qemu-io takes moments. */
  @Override
  protected Duration defaultTimeout() {
    return Duration.ofMinutes(2);
  }

  @Override
  protected void run(ControllerClient client, Printer printer) {
    FaultKind what = kind.pull ? FaultKind.PULL : kind.corrupt ? FaultKind.CORRUPT
        : kind.nmi ? FaultKind.NMI : FaultKind.IO_ERROR;
    if (what != FaultKind.NMI && disk.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "Missing required parameter: 'DISK'"
          + " (every fault but --nmi names a data disk)");
    }
    long off = offset.isEmpty() || offset.equals("0") ? 0 : Sizes.parse(offset);
    long len = length.isEmpty() ? 0 : Sizes.parse(length);
    confirmation.confirm(switch (what) {
      case PULL -> "Pull disk " + disk + " out of running VM " + vm + " without asking the"
          + " guest? An md array loses that member at once.";
      case CORRUPT -> "Write garbage into the md data area of disk " + disk + " of VM " + vm
          + "? What md stored there is lost unless a repair rewrites it.";
      case NMI -> "Crash the kernel of VM " + vm + " with an NMI? Whatever the guest had not"
          + " written to its disks is lost, as in a power cut.";
      default -> "Make every read and write of disk " + disk + " in VM " + vm + " fail?";
    });
    output.print(printer, client.vms().fault(FaultRequest.newBuilder().setName(vm)
        .setDisk(disk).setKind(what).setOffset(off).setLength(len).setSeed(seed)
        .setInterruptReshape(interruptReshape).build()),
        r -> printer.line(r.getDetail()));
  }
}
