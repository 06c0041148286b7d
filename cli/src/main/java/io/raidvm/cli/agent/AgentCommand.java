package io.raidvm.cli.agent;

import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GuestInfo;
import io.raidvm.api.agent.v1.ListBlockDevicesRequest;
import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import io.raidvm.api.agent.v1.ToolVersion;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.common.Sizes;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** raidctl agent: ask a VM's guest agent, through the controller. */
@Command(name = "agent", description = "Ask a VM's guest agent.",
    subcommands = {AgentCommand.Info.class, AgentCommand.Lsblk.class})
public final class AgentCommand {

  @Command(name = "info", description = "The guest's OS, kernel, hardware and tool versions.",
      footer = {"", "Example:", "  raidctl agent info vm1"})
  static final class Info extends ClientCommand {
    @Parameters(paramLabel = "VM")
    String vm;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      GuestInfo info = client.agent(vm).getInfo(GetInfoRequest.getDefaultInstance());
      if (output.json()) {
        printer.json(info);
        return;
      }
      List<List<String>> f = new ArrayList<>();
      f.add(List.of("hostname", info.getHostname()));
      f.add(List.of("os", info.getOsPrettyName()));
      f.add(List.of("kernel", info.getKernelRelease()));
      f.add(List.of("cpu", info.getLogicalCpus() + " x " + info.getCpuModel()));
      f.add(List.of("memory", Sizes.human(info.getMemoryAvailableBytes()) + " available of "
          + Sizes.human(info.getMemoryTotalBytes())));
      f.add(List.of("uptime", info.getUptimeSeconds() + " s"));
      for (ToolVersion t : info.getToolsList()) {
        f.add(List.of(t.getName(), t.getVersion().isEmpty() ? "not installed" : t.getVersion()));
      }
      f.add(List.of("agent", info.getAgent().getVersion() + " (pid " + info.getAgent().getPid()
          + ", java " + info.getAgent().getJavaVersion() + ")"));
      printer.fields(f);
    }
  }

  @Command(name = "lsblk", description = "The guest's block devices.",
      footer = {"", "Example:", "  raidctl agent lsblk vm1"})
  static final class Lsblk extends ClientCommand {
    @Parameters(paramLabel = "VM")
    String vm;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      ListBlockDevicesResponse r = client.agent(vm).listBlockDevices(
          ListBlockDevicesRequest.getDefaultInstance());
      if (output.json()) {
        printer.json(r);
        return;
      }
      List<List<String>> rows = new ArrayList<>();
      for (BlockDevice d : r.getDevicesList()) {
        add(rows, d, "");
      }
      printer.table(List.of("NAME", "SIZE", "TYPE", "SERIAL", "FSTYPE", "MOUNTPOINTS", "MEMBER OF",
          "NOTE"), rows);
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
}
