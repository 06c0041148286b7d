package io.raidvm.agent.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.agent.testing.FakeCommandRunner;
import io.raidvm.common.error.ToolException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SystemPowerTest {

  private static final List<String> POWEROFF = List.of("systemctl", "--no-block", "poweroff");
  private static final List<String> REBOOT = List.of("systemctl", "--no-block", "reboot");

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
        "Failed to connect to bus: No such file or directory\n");

    ToolException e = assertThrows(ToolException.class,
        () -> new SystemPower(runner).request(SystemPower.Action.REBOOT));

    assertEquals("systemctl failed (exit 1): Failed to connect to bus: No such file or directory"
        + " [command: systemctl --no-block reboot]", e.getMessage());
  }
}
