package io.raidvm.cli.agent;

import io.raidvm.api.agent.v1.AgentFallback;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GuestInfo;
import io.raidvm.api.agent.v1.RestartAgentRequest;
import io.raidvm.api.agent.v1.ShutdownRequest;
import io.raidvm.api.agent.v1.ToolVersion;
import io.raidvm.api.controller.v1.ListVmsRequest;
import io.raidvm.api.controller.v1.UpgradeAgentRequest;
import io.raidvm.api.controller.v1.UpgradeAgentResponse;
import io.raidvm.api.controller.v1.Vm;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.cli.controller.ControllerCommand;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.Confirmation;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.common.Sizes;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** raidctl agent: ask a VM's guest agent, through the controller. */
@Command(name = "agent", description = "Ask a VM's guest agent.",
    subcommands = {AgentCommand.Info.class, AgentCommand.Restart.class,
        AgentCommand.Shutdown.class, AgentCommand.Upgrade.class},
    footer = {"", "Example:", "  raidctl agent info vm1"})
public final class AgentCommand {

  @Command(name = "info", description = "The guest's OS, kernel, hardware and tool versions.",
      footer = {"", "Example:", "  raidctl agent info vm1"})
  static final class Info extends ClientCommand {
    @Parameters(paramLabel = "VM")
    String vm;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.agent(vm).getInfo(GetInfoRequest.getDefaultInstance()),
          info -> print(printer, info));
    }

    private static void print(Printer printer, GuestInfo info) {
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
      f.add(List.of("agent jar", info.getAgent().getJarSha256().isEmpty() ? "not reported"
          : "sha256 " + info.getAgent().getJarSha256()));
      f.add(List.of("agent cost", info.getAgent().getThreads() == 0 ? "not reported"
          : ControllerCommand.cost(info.getAgent().getCpuMillis(), info.getAgent().getRssBytes(),
              info.getAgent().getThreads())));
      if (info.getAgent().hasLastFallback()) {
        AgentFallback fb = info.getAgent().getLastFallback();
        f.add(List.of("last fallback", Instant.ofEpochSecond(fb.getAt().getSeconds()) + ": "
            + fb.getReason()));
      }
      printer.fields(f);
    }
  }

  @Command(name = "restart", description = "Restart the guest agent (systemd starts it again;"
      + " the controller reconnects).",
      footer = {"", "Examples:", "  raidctl agent restart vm1",
          "  raidctl agent restart vm1 --hard"})
  static final class Restart extends ClientCommand {
    @Parameters(paramLabel = "VM")
    String vm;

    @Option(names = "--hard", description = "Halt the agent's JVM at once, as a crash would.")
    boolean hard;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      client.agent(vm).restartAgent(RestartAgentRequest.newBuilder().setMode(hard
          ? RestartAgentRequest.Mode.HARD : RestartAgentRequest.Mode.GRACEFUL).build());
      output.note(printer, "the agent of " + vm + " restarts");
    }
  }

  @Command(name = "shutdown", description = "Ask the guest itself to power off or reboot, and"
      + " return at once (raidctl vm stop and vm reboot do this too, and wait).",
      footer = {"", "Examples:", "  raidctl agent shutdown vm1", "  raidctl agent shutdown vm1"
          + " --reboot"})
  static final class Shutdown extends ClientCommand {
    @Parameters(paramLabel = "VM")
    String vm;

    @Option(names = "--reboot", description = "Reboot instead of powering off.")
    boolean reboot;

    @Mixin
    Confirmation confirmation;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm((reboot ? "Reboot" : "Power off") + " the guest of VM " + vm + "?"
          + " What runs in it stops.");
      client.agent(vm).shutdown(ShutdownRequest.newBuilder().setMode(reboot
          ? ShutdownRequest.Mode.REBOOT : ShutdownRequest.Mode.POWEROFF).build());
      output.note(printer, "the guest of " + vm + (reboot ? " reboots" : " powers off"));
    }
  }

  @Command(name = "upgrade", description = "Bring a VM's guest agent to the one this controller"
      + " carries (compared by the SHA-256 of its jar): sent over the agent link, verified and"
      + " swapped in the guest, the agent restarted; waits until the new agent answers."
      + " --rollback puts back the jar the last upgrade replaced.",
      footer = {"", "Examples:", "  raidctl agent upgrade vm1", "  raidctl agent upgrade --all",
          "  raidctl agent upgrade vm1 --rollback"})
  static final class Upgrade extends ClientCommand {
    static final class Which {
      @Parameters(paramLabel = "VM")
      String vm;

      @Option(names = "--all", description = "Every VM whose agent answers (READY); the others"
          + " are listed as skipped.")
      boolean all;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    @Option(names = "--rollback", description = "Put back raidvm-agent.jar.previous instead.")
    boolean rollback;

    /** A 24 MiB jar over a TCG guest's virtio-serial link, then a JVM start. */
    @Override
    protected Duration defaultTimeout() {
      return Duration.ofMinutes(15);
    }

    @Override
    protected void run(ControllerClient client, Printer printer) {
      if (!which.all) {
        upgrade(client, printer, which.vm);
        return;
      }
      StatusRuntimeException failed = null;
      for (Vm vm : client.vms().listVms(ListVmsRequest.getDefaultInstance()).getVmsList()) {
        String name = vm.getSpec().getName();
        if (vm.getState() != VmState.READY) {
          output.note(printer, name + ": skipped (" + vm.getState() + ")");
          continue;
        }
        try {
          upgrade(client, printer, name);
        } catch (StatusRuntimeException e) {
          output.note(printer, name + ": " + e.getStatus().getCode() + ": "
              + e.getStatus().getDescription());
          failed = e;
        }
      }
      if (failed != null) {
        throw failed;
      }
    }

    private void upgrade(ControllerClient client, Printer printer, String vm) {
      UpgradeAgentResponse done = client.vms().upgradeAgent(UpgradeAgentRequest.newBuilder()
          .setName(vm).setRollback(rollback).build());
      output.print(printer, done, r -> printer.line(r.getMessage()));
    }
  }
}
