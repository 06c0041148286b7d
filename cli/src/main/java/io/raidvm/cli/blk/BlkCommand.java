package io.raidvm.cli.blk;

import io.raidvm.api.agent.v1.BenchmarkRequest;
import io.raidvm.api.agent.v1.BenchmarkResult;
import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.DisksGrpc;
import io.raidvm.api.agent.v1.ListBlockDevicesRequest;
import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import io.raidvm.api.agent.v1.PartitionRequest;
import io.raidvm.api.agent.v1.PartitionResult;
import io.raidvm.cli.support.AgentCall;
import io.raidvm.cli.support.Confirmation;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.common.Sizes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** raidctl blk: a VM's block devices. */
@Command(name = "blk", description = "A VM's block devices: list, benchmark, partition.",
    subcommands = {BlkCommand.ListDevices.class, BlkCommand.Bench.class,
        BlkCommand.Partition.class},
    footer = {"", "Examples:", "  raidctl blk list vm1", "  raidctl blk partition vm1 d1 d2 d3 d4"})
public final class BlkCommand {

  @Command(name = "list", description = "Disks, partitions and arrays, as the guest sees them.",
      footer = {"", "Example:", "  raidctl blk list vm1"})
  public static final class ListDevices extends AgentCall {
    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.agent(vm).listBlockDevices(
          ListBlockDevicesRequest.getDefaultInstance()), r -> print(printer, r));
    }

    private static void print(Printer printer, ListBlockDevicesResponse r) {
      List<List<String>> rows = new ArrayList<>();
      for (BlockDevice d : r.getDevicesList()) {
        add(rows, d, "");
      }
      printer.table(List.of("NAME", "SIZE", "TYPE", "SERIAL", "FSTYPE", "MOUNTPOINTS",
          "MEMBER OF", "NOTE"), rows);
    }

    private static void add(List<List<String>> rows, BlockDevice d, String indent) {
      rows.add(List.of(indent + d.getName(), Sizes.human(d.getSizeBytes()), d.getType(),
          d.getSerial(), d.getFsType(), String.join(",", d.getMountPointsList()),
          String.join(",", d.getMdMemberOfList()), d.getOsDisk() ? "os disk" : ""));
      for (BlockDevice p : d.getPartitionsList()) {
        add(rows, p, indent + "  ");
      }
    }
  }

  @Command(name = "bench", description = "Read throughput per device (hdparm -Tt).",
      footer = {"", "Example:", "  raidctl blk bench vm1 d1 d2 d3 d4"})
  static final class Bench extends AgentCall {
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "DEVICE")
    List<String> devices;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      List<List<String>> rows = new ArrayList<>();
      for (String d : devices) {
        BenchmarkResult r = client.agent(vm, DisksGrpc::newBlockingStub).benchmark(
            BenchmarkRequest.newBuilder().setDevice(d).build());
        if (output.json()) {
          printer.jsonLine(r);
        }
        rows.add(List.of(d, r.getDevice(),
            String.format(Locale.ROOT, "%.1f", r.getCachedReadMbPerS()),
            String.format(Locale.ROOT, "%.1f", r.getBufferedReadMbPerS())));
      }
      if (!output.json()) {
        printer.table(List.of("DEVICE", "PATH", "CACHED MB/s", "BUFFERED MB/s"), rows);
      }
    }
  }

  @Command(name = "partition", description = "GPT label, one raid partition from sector 2048"
      + " to the end, alignment checked.",
      footer = {"", "Example:", "  raidctl blk partition vm1 d1 d2 d3 d4"})
  static class Partition extends AgentCall {
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "DISK")
    List<String> disks;

    @Option(names = "--force", description = "Even over existing partitions or data.")
    boolean force;

    @Mixin
    Confirmation confirmation;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Partition " + String.join(" ", disks) + " in VM " + vm + " (a new GPT"
          + " label, one RAID partition each)? What is on these disks is lost.");
      List<List<String>> rows = new ArrayList<>();
      for (String d : disks) {
        PartitionResult r = client.agent(vm, DisksGrpc::newBlockingStub).partition(
            PartitionRequest.newBuilder().setDevice(d).setForce(force).build());
        if (output.json()) {
          printer.jsonLine(r);
        }
        rows.add(List.of(r.getDisk(), r.getPartition(), String.valueOf(r.getStartSector()),
            String.valueOf(r.getEndSector()), Sizes.human(r.getSizeBytes()),
            r.getAligned() ? "aligned" : "NOT aligned"));
      }
      if (!output.json()) {
        printer.table(List.of("DISK", "PARTITION", "START", "END", "SIZE", "ALIGNMENT"), rows);
      }
    }
  }

  /** raidctl part: blk partition at the top, where the howto's readers look for it. */
  @Command(name = "part", description = "Same as blk partition: GPT label, one raid partition"
      + " from sector 2048 to the end, alignment checked.",
      footer = {"", "Example:", "  raidctl part vm1 d1 d2 d3 d4"})
  public static final class Part extends Partition {
  }
}
