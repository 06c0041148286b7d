package io.raidvm.cli.drill;

import com.google.protobuf.Duration;
import io.raidvm.api.controller.v1.DrillEvent;
import io.raidvm.api.controller.v1.DrillOutcome;
import io.raidvm.api.controller.v1.DrillReport;
import io.raidvm.api.controller.v1.DrillRequest;
import io.raidvm.api.controller.v1.FaultKind;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.Confirmation;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.common.Sizes;
import io.raidvm.common.error.RaidvmException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** raidctl drill: a disk failure rehearsed on a running VM's array, and its report. */
@Command(name = "drill", description = {"Rehearse a disk failure: write checksummed files into"
    + " the array's filesystem, pull one member's disk from the host, time md's first event,"
    + " replace the disk by a new one, follow the rebuild, check the files and scrub.",
    "--second-fault pulls another member during the rebuild: a RAID 5 loses its data (the"
        + " report says so), a RAID 6 survives. --fault corrupt rehearses silent corruption.",
    "Exit code 0 only when the array survived with every file intact."},
    footer = {"", "Examples:", "  raidctl drill vm1 md127",
        "  raidctl drill vm1 md127 --disk d2 --new-disk d2b -o json",
        "  raidctl drill vm1 md127 --second-fault --rebuild-speed-max 1000"})
public final class DrillCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "VM")
  String vm;

  @Parameters(index = "1", paramLabel = "ARRAY", description = "The md device, e.g. md127.")
  String array;

  @Option(names = "--fault", paramLabel = "KIND", description = "pull (default): the disk out"
      + " of the running VM; corrupt: the VM stopped, garbage into the member from the host, the"
      + " VM started, check and repair.")
  String fault = "pull";

  @Option(names = "--disk", paramLabel = "DISK", description = "The member's disk to fault"
      + " (default: the disk of the array's last member).")
  String disk = "";

  @Option(names = "--new-disk", paramLabel = "DISK", description = "The new disk's name (default"
      + " <disk>-drill); it is created with the pulled disk's size.")
  String newDisk = "";

  @Option(names = "--second-fault", description = "Pull a second member while the rebuild"
      + " runs.")
  boolean secondFault;

  @Option(names = "--files", paramLabel = "N", description = "How many test files (default 3).")
  int files;

  @Option(names = "--file-size", paramLabel = "SIZE", description = "Each file's size (default"
      + " 8M).")
  String fileSize = "";

  @Option(names = "--rebuild-speed-max", paramLabel = "KiB/s", description = "Cap the rebuild's"
      + " speed for the drill (at least 1000).")
  long rebuildSpeedMax;

  @Mixin
  Confirmation confirmation;

  @Override
  protected java.time.Duration defaultTimeout() {
    return java.time.Duration.ofDays(1);
  }

  @Override
  protected void run(ControllerClient client, Printer printer) {
    DrillRequest request = DrillRequest.newBuilder().setVm(vm).setArray(array)
        .setFault(kind(fault)).setDisk(disk).setNewDisk(newDisk).setSecondFault(secondFault)
        .setFileCount(files).setFileSizeBytes(fileSize.isEmpty() ? 0 : Sizes.parse(fileSize))
        .setRebuildSpeedMaxKibPerS(rebuildSpeedMax).build();
    confirmation.confirm(request.getFault() == FaultKind.CORRUPT ? "Stop VM " + vm + ", write"
        + " garbage into a member of " + array + " and start it again? A repair keeps what"
        + " landed in data." : "Pull a member's disk out of running VM " + vm + " and replace it"
        + " in " + array + (secondFault ? ", pulling a second one during the rebuild (a RAID 5"
        + " loses its data)" : "") + "?");
    Iterator<DrillEvent> events = client.drills().drill(request);
    DrillReport report = null;
    while (events.hasNext()) {
      DrillEvent e = events.next();
      if (e.hasReport()) {
        report = e.getReport();
      } else if (!output.json() && !e.hasProgress()) {
        printer.line(e.getStep() + ": " + e.getMessage());
      }
    }
    if (report == null) {
      throw new DrillFailedException("the controller ended the drill without a report");
    }
    if (output.json()) {
      printer.json(report);
    } else {
      printer.fields(rows(report));
    }
    if (report.getOutcome() != DrillOutcome.SURVIVED) {
      throw new DrillFailedException("the drill ended in data loss: " + report.getNextSteps());
    }
  }

  private static FaultKind kind(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "pull" -> FaultKind.PULL;
      case "corrupt" -> FaultKind.CORRUPT;
      default -> throw RaidvmException.invalidArgument("--fault is pull or corrupt, got %s", text);
    };
  }

  /** The report as name/value rows. */
  static List<List<String>> rows(DrillReport r) {
    return List.of(
        List.of("outcome", r.getOutcome() == DrillOutcome.SURVIVED ? "survived" : "DATA LOSS"),
        List.of("array", r.getArray() + " (" + r.getLevel() + ") of VM " + r.getVm()),
        List.of("fault", (r.getFault() == FaultKind.CORRUPT ? "corruption of " : "pull of ")
            + r.getDisk() + " (" + r.getMember() + ")" + (r.getSecondDisk().isEmpty() ? ""
            : ", then " + r.getSecondDisk() + " during the rebuild")),
        List.of("detected", r.getFault() == FaultKind.CORRUPT
            ? String.format(Locale.ROOT, "check: %d mismatched sectors (%s)",
                r.getMismatchesFound(), seconds(r.getDetectionLatency()))
            : r.getDetectedBy() + " after " + seconds(r.getDetectionLatency())),
        List.of(r.getFault() == FaultKind.CORRUPT ? "repair" : "rebuild", !r.hasRebuildTime()
            ? "did not finish" : r.getFault() == FaultKind.CORRUPT ? seconds(r.getRebuildTime())
            : String.format(Locale.ROOT, "%s onto %s, %.2f MiB/s (%s per member)",
                seconds(r.getRebuildTime()), r.getNewDisk(), r.getRebuildMibPerS(),
                Sizes.human(r.getMemberSizeBytes()))),
        List.of("mismatches", r.getScrubbed() ? String.valueOf(r.getMismatchCount())
            : "no scrub (array not whole)"),
        List.of("files intact", (r.getFilesIntact() ? "yes" : "NO") + " (" + r.getFilesWritten()
            + " written" + (r.getFailedFilesCount() == 0 ? ")" : ", failed: "
            + String.join(", ", r.getFailedFilesList()) + ")")),
        List.of("array now", r.getArrayState() + ": " + r.getArraySummary()),
        List.of("next", r.getNextSteps()),
        List.of("took", seconds(r.getDuration())));
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.2f s", d.getSeconds() + d.getNanos() / 1e9);
  }

  /** The drill ran to its report, and the report is a loss. */
  static final class DrillFailedException extends RuntimeException {
    DrillFailedException(String message) {
      super(message);
    }
  }
}
