package io.raidvm.cli.watch;

import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.controller.v1.WatchVmRequest;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import java.time.Duration;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** raidctl watch: a VM's md and VM events, one line each, as they happen. */
@Command(name = "watch", description = "Print a VM's events (md and VM) as they happen.",
    footer = {"", "Each line starts with EPOCH:SEQ; pass the last one to --after to go on where",
        "you left off (a Snapshot flagged as gap says what was missed, if it was not kept).", "",
        "Examples:", "  raidctl watch vm1 --mdstat", "  raidctl watch vm1 --after 3f0c9a52:42"})
public final class WatchCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "VM", description = "The VM to watch.")
  String vm;

  @Option(names = "--after", paramLabel = "EPOCH:SEQ", converter = ResumePoint.Converter.class,
      description = "Resume right after this event.")
  ResumePoint after;

  @Option(names = "--mdstat", description = "Print /proc/mdstat with each md event.")
  boolean mdstat;

  /** A watch lasts until interrupted, or --timeout. */
  @Override
  protected Duration defaultTimeout() {
    return Duration.ofDays(3650);
  }

  @Override
  protected void run(ControllerClient client, Printer printer) {
    WatchVmRequest.Builder request = WatchVmRequest.newBuilder().setName(vm)
        .setIncludeMdstat(mdstat);
    if (after != null) {
      request.setEpoch(after.epoch()).setAfterSequence(after.sequence());
    }
    Iterator<WatchEvent> events = client.vms().watchVm(request.build());
    while (events.hasNext()) {
      WatchEvent event = events.next();
      if (output.json()) {
        printer.jsonLine(event);
        continue;
      }
      printer.line(EventLine.of(event));
      if (!event.getMdstat().isEmpty()) {
        printer.line(event.getMdstat().stripTrailing().indent(2).stripTrailing());
      }
    }
  }
}
