package io.raidvm.agent.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.common.error.ToolException;
import io.raidvm.common.process.FakeCommandRunner;
import java.util.List;
import org.junit.jupiter.api.Test;

class SystemPowerTest {

  private static final List<String> POWEROFF = List.of("systemctl", "start", "--no-block",
      "--job-mode=replace-irreversibly", "poweroff.target");
  private static final List<String> REBOOT = List.of("systemctl", "start", "--no-block",
      "--job-mode=replace-irreversibly", "reboot.target");

  @Test
  void poweroff_queuesSystemdsPoweroffJob_withoutWaitingForIt() {
    FakeCommandRunner runner = new FakeCommandRunner().answer(POWEROFF, 0, "", "");

    new SystemPower(runner).request(SystemPower.Action.POWEROFF);

    assertEquals(List.of(POWEROFF), runner.calls());
  }

  @Test
  void reboot_queuesSystemdsRebootJob() {
    FakeCommandRunner runner = new FakeCommandRunner().answer(REBOOT, 0, "", "");

    new SystemPower(runner).request(SystemPower.Action.REBOOT);

    assertEquals(List.of(REBOOT), runner.calls());
  }

  @Test
  void refusedBySystemd_failsWithSystemctlsMessage() {
    FakeCommandRunner runner = new FakeCommandRunner().answer(REBOOT, 1, "",
        "Failed to start reboot.target: Transaction is destructive.\n");

    ToolException e = assertThrows(ToolException.class,
        () -> new SystemPower(runner).request(SystemPower.Action.REBOOT));

    assertEquals("systemctl failed (exit 1): Failed to start reboot.target: Transaction is"
        + " destructive. [command: systemctl start --no-block --job-mode=replace-irreversibly"
        + " reboot.target]", e.getMessage());
  }

  @Test
  void systemctlKilledByTheShutdownItQueued_countsAsAccepted() {
    // Seen in a guest: systemd stops the agent's unit, systemctl child included, with SIGTERM.
    FakeCommandRunner runner = new FakeCommandRunner().answer(POWEROFF, 143, "", "");

    new SystemPower(runner).request(SystemPower.Action.POWEROFF);

    assertEquals(List.of(POWEROFF), runner.calls());
  }
}
