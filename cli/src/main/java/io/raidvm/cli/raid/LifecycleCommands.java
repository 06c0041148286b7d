package io.raidvm.cli.raid;

import io.raidvm.api.agent.v1.AssembleArrayRequest;
import io.raidvm.api.agent.v1.RetireArrayRequest;
import io.raidvm.api.agent.v1.RetirePlan;
import io.raidvm.api.agent.v1.RetireStep;
import io.raidvm.api.agent.v1.SetBitmapRequest;
import io.raidvm.api.agent.v1.SetWriteMostlyRequest;
import io.raidvm.api.agent.v1.StopArrayRequest;
import io.raidvm.api.agent.v1.StopArrayResponse;
import io.raidvm.cli.support.AgentCall;
import io.raidvm.cli.support.Confirmation;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.cli.support.WaitOption;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** raidctl raid stop, assemble, retire, bitmap, write-mostly: an array's life after create. */
final class LifecycleCommands {

  private LifecycleCommands() {}

  @Command(name = "stop", description = "Stop an array (refused while mounted or in fstab"
      + " unless --also-unmount); prints the UUID to assemble it again by.",
      footer = {"", "Example:", "  raidctl raid stop vm1 md127 --also-unmount"})
  static final class Stop extends RaidCommand.OnArray {
    @Option(names = "--also-unmount", description = "Unmount its filesystems first (never"
        + " lazily); an fstab line stays (raid retire removes it).")
    boolean alsoUnmount;

    @Mixin
    Confirmation confirmation;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Stop " + arrayPath() + " in VM " + vm + (alsoUnmount
          ? ", unmounting its filesystems first?" : "?") + " Its data is offline until it is"
          + " assembled again.");
      output.print(printer, RaidCommand.raid(client, vm).stopArray(StopArrayRequest.newBuilder()
          .setArray(array).setAlsoUnmount(alsoUnmount).build()), r -> print(printer, r));
    }

    private void print(Printer printer, StopArrayResponse r) {
      r.getUnmountedList().forEach(p -> printer.line("unmounted " + p));
      printer.line("stopped /dev/" + r.getArray() + " (UUID " + r.getUuid() + ", members "
          + String.join(" ", r.getMembersList()) + ")");
      printer.line("assemble it again: raidctl raid assemble " + vm + " " + r.getUuid());
    }
  }

  @Command(name = "assemble", description = "Assemble a stopped array by its UUID from the"
      + " devices that carry its superblock (refused with members missing unless --degraded).",
      footer = {"", "Example:",
          "  raidctl raid assemble vm1 ec44b2e5:884eb3e1:44fa02b1:fed4abc8 --name md127"})
  static final class Assemble extends AgentCall {
    @Parameters(index = "1", paramLabel = "UUID", description = "As raid show or raid stop"
        + " print it.")
    String uuid;

    @Option(names = "--name", paramLabel = "ARRAY", description = "Assemble it as this array"
        + " (e.g. md127); default: the name its superblock asks for.")
    String name = "";

    @Option(names = "--degraded", description = "Start it even with members missing (mdadm"
        + " --run).")
    boolean degraded;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, RaidCommand.raid(client, vm).assembleArray(AssembleArrayRequest
          .newBuilder().setUuid(uuid).setArray(name).setAllowDegraded(degraded).build()),
          a -> ArrayPrinter.print(printer, a));
    }
  }

  @Command(name = "retire", description = "Take an array out of service for good: unmount,"
      + " fstab and mdadm.conf lines out, stop, zero the members' superblocks, update the"
      + " initramfs. Prints the plan; carries it out after a yes at a terminal, or with --yes."
      + " Run it again to finish one that stopped half way.",
      footer = {"", "Examples (the plan, then a question; without asking; once stopped):",
          "  raidctl raid retire vm1 md127", "  raidctl raid retire vm1 md127 --yes",
          "  raidctl raid retire vm1 md127 --uuid ec44b2e5:884eb3e1:44fa02b1:fed4abc8 --yes"})
  static final class Retire extends RaidCommand.OnArray {
    @Option(names = "--uuid", description = "The array's UUID: finds it once it no longer"
        + " runs (a retire that stopped after the stop).")
    String uuid = "";

    @Mixin
    WaitOption wait;

    @Mixin
    Confirmation confirmation;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      RetireArrayRequest request = RetireArrayRequest.newBuilder().setArray(array).setUuid(uuid)
          .build();
      RetirePlan plan = RaidCommand.raid(client, vm).retireArray(request);
      if (plan.getStepsList().stream().noneMatch(s -> s.getState() == RetireStep.State.TO_DO)) {
        output.print(printer, plan, p -> print(printer, p, "nothing to do: retired already"));
        return;
      }
      if (!output.json()) {
        print(printer, plan, "the plan");
      }
      confirmation.require("Carry out these steps for " + arrayPath() + " in VM " + vm + "?"
          + " The members' superblocks are erased: the array cannot be assembled again.");
      RetirePlan done = RaidCommand.raid(client, vm).retireArray(request.toBuilder()
          .setExecute(true).build());
      output.print(printer, done, p -> print(printer, p, "done"));
      if (done.hasInitramfs()) {
        finish(client, printer, wait, done.getInitramfs());
      }
    }

    static void print(Printer printer, RetirePlan plan, String title) {
      printer.line(title + " for /dev/" + plan.getArray() + " (UUID " + plan.getUuid() + "):");
      printer.table(List.of("STEP", "STATE", "DETAIL"), plan.getStepsList().stream()
          .map(s -> List.of(s.getAction(), state(s.getState()),
              s.getDetail().replace("\n", " | "))).toList());
    }

    private static String state(RetireStep.State state) {
      return switch (state) {
        case TO_DO -> "to do";
        case ALREADY_DONE -> "already done";
        case DONE -> "done";
        default -> state.name();
      };
    }
  }

  @Command(name = "bitmap", description = "Add an internal write-intent bitmap to a running"
      + " array, or remove it.",
      footer = {"", "Examples:", "  raidctl raid bitmap vm1 md127 internal",
          "  raidctl raid bitmap vm1 md127 none"})
  static final class BitmapSetting extends RaidCommand.OnArray {
    @Parameters(index = "2", paramLabel = "BITMAP", description = "internal or none.")
    String bitmap;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      show(printer, RaidCommand.raid(client, vm).setBitmap(SetBitmapRequest.newBuilder()
          .setArray(array).setBitmap(RaidCommand.bitmap(spec, "BITMAP", bitmap)).build()));
    }
  }

  @Command(name = "write-mostly", description = "Mark a raid1/raid10 member write-mostly (md"
      + " reads from the others), or clear the mark with --off.",
      footer = {"", "Examples:", "  raidctl raid write-mostly vm1 md0 d2-part1",
          "  raidctl raid write-mostly vm1 md0 d2-part1 --off"})
  static final class WriteMostly extends RaidCommand.OnArray {
    @Parameters(index = "2", paramLabel = "DEVICE")
    String device;

    @Option(names = "--off", description = "Clear the mark.")
    boolean off;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      show(printer, RaidCommand.raid(client, vm).setWriteMostly(SetWriteMostlyRequest
          .newBuilder().setArray(array).setDevice(device).setWriteMostly(!off).build()));
    }
  }
}
