package io.raidvm.cli.controller;

import com.google.protobuf.util.Timestamps;
import io.raidvm.api.controller.v1.ControllerInfo;
import io.raidvm.api.controller.v1.GetControllerInfoRequest;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.common.Sizes;
import java.util.List;
import picocli.CommandLine.Command;

/** raidctl controller: the controller itself. */
@Command(name = "controller", description = "The controller itself.",
    subcommands = {ControllerCommand.Info.class},
    footer = {"", "Example:", "  raidctl controller info"})
public final class ControllerCommand {

  /** "cpu 12.3 s, rss 88.0 MiB, 24 threads": what a process costs, as agent info says too. */
  public static String cost(long cpuMillis, long rssBytes, int threads) {
    return String.format("cpu %.1f s, rss %s, %d threads", cpuMillis / 1000.0,
        Sizes.human(rssBytes), threads);
  }

  @Command(name = "info", description = "The controller's version, process and what it costs"
      + " (CPU time, resident memory, threads), and how many VMs run.",
      footer = {"", "Examples:", "  raidctl controller info", "  raidctl controller info -o json"})
  static final class Info extends ClientCommand {
    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.controller().getControllerInfo(
          GetControllerInfoRequest.getDefaultInstance()), info -> print(printer, info));
    }

    private static void print(Printer printer, ControllerInfo info) {
      printer.fields(List.of(
          List.of("version", info.getVersion()),
          List.of("pid", Long.toString(info.getPid())),
          List.of("started", Timestamps.toString(info.getStartedAt())),
          List.of("java", info.getJavaVersion()),
          List.of("cost", cost(info.getCpuMillis(), info.getRssBytes(), info.getThreads())),
          List.of("vms", info.getVmsRunning() + " running of " + info.getVms())));
    }
  }
}
