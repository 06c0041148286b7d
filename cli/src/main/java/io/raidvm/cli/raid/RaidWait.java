package io.raidvm.cli.raid;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.ResumeSyncRequest;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.controller.v1.WatchVmRequest;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.common.md.SyncStates;
import java.time.Duration;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** raidctl raid wait: blocks until an array's sync (resync, recovery, check, …) has finished. */
@Command(name = "wait", description = "Wait until the array's sync has finished (at once if none"
    + " runs), showing its progress.",
    footer = {"", "Example:", "  raidctl raid wait vm1 md127"})
final class RaidWait extends ClientCommand {

  @Parameters(index = "0", paramLabel = "VM", description = "The VM whose array to wait for.")
  String vm;

  @Parameters(index = "1", paramLabel = "ARRAY", description = "e.g. md127")
  String array;

  /** On a terminal, progress is one bar redrawn in place. */
  private final boolean terminal = System.console() != null;

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofDays(3650);
  }

  @Override
  protected void run(ControllerClient client, Printer printer) {
    String name = array.startsWith("/dev/") ? array.substring("/dev/".length()) : array;
    resume(client, printer, name);
    SyncView view = new SyncView(printer, name, output.json() ? SyncView.Style.NONE
        : terminal ? SyncView.Style.BAR : SyncView.Style.LINES);
    Iterator<WatchEvent> events = client.vms().watchVm(WatchVmRequest.newBuilder().setName(vm)
        .build());
    while (events.hasNext()) {
      WatchEvent event = events.next();
      if (output.json() && concerns(event, name)) {
        printer.jsonLine(event);
      }
      if (finished(event, name, view)) {
        return;
      }
    }
    throw Status.UNAVAILABLE.withDescription("the controller ended the event stream of VM '" + vm
        + "' before the sync of " + name + " finished").asRuntimeException();
  }

  /**
   * An array back after a power cut holds its sync until written to: resume it first. An agent
   * older than ResumeSync cannot; the wait goes on without it.
   */
  private void resume(ControllerClient client, Printer printer, String name) {
    try {
      Operation resumed = RaidCommand.raid(client, vm).resumeSync(ResumeSyncRequest.newBuilder()
          .setArray(name).build());
      if (resumed.getState() == Operation.State.RUNNING && !output.json()) {
        printer.line(name + ": resuming its sync (" + resumed.getId() + ")");
      }
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
    }
  }

  /** Shows what {@code event} says about the sync; true once it has finished. */
  private boolean finished(WatchEvent event, String name, SyncView view) {
    switch (event.getBodyCase()) {
      case SNAPSHOT -> {
        Array a = event.getSnapshot().getArraysList().stream()
            .filter(x -> x.getName().equals(name)).findFirst()
            .orElseThrow(() -> Status.NOT_FOUND.withDescription("VM '" + vm + "' has no array "
                + name).asRuntimeException());
        if (!SyncStates.running(a.getSync())) {
          view.end("no sync running");
          return true;
        }
        view.progress(a.getSync());
        return false;
      }
      case MD -> {
        return event.getMd().getArray().equals(name) && md(event.getMd(), view);
      }
      case VM -> {
        VmEvent.Kind kind = event.getVm().getKind();
        if (kind == VmEvent.Kind.STOPPED || kind == VmEvent.Kind.CRASHED) {
          throw Status.UNAVAILABLE.withDescription("VM '" + vm + "' " + (kind
              == VmEvent.Kind.STOPPED ? "stopped" : "crashed") + " before the sync of " + name
              + " finished").asRuntimeException();
        }
        return false;
      }
      default -> {
        return false;
      }
    }
  }

  private boolean md(MdEvent md, SyncView view) {
    switch (md.getKind()) {
      case REBUILD_STARTED, REBUILD_PROGRESS -> view.progress(md.getSync());
      case REBUILD_FINISHED -> {
        view.end(md.getSyncAction() + " finished, mismatches " + md.getMismatchCount());
        return true;
      }
      case ARRAY_STOPPED -> throw Status.FAILED_PRECONDITION.withDescription(md.getArray()
          + " was stopped before its sync finished").asRuntimeException();
      default -> { }
    }
    return false;
  }

  private static boolean concerns(WatchEvent event, String name) {
    return !event.hasMd() || event.getMd().getArray().equals(name);
  }
}
