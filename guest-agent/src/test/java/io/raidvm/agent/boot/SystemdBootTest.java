package io.raidvm.agent.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.SystemState;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.ToolException;
import io.raidvm.common.process.FakeCommandRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SystemdBootTest {

  private static final List<String> WAIT = List.of("systemctl", "is-system-running", "--wait");
  private static final List<String> FAILED = List.of("systemctl", "list-units",
      "--state=failed", "--plain", "--no-legend", "--no-pager");

  private final Instant inAMinute = Instant.now().plusSeconds(60);

  @Test
  void running_isTheAnswer_andNoUnitIsListed() {
    FakeCommandRunner runner = new FakeCommandRunner().answer(WAIT, 0, "running\n", "");

    SystemState state = new SystemdBoot(runner).await(inAMinute);

    assertEquals(SystemState.newBuilder().setState("running").build(), state);
    assertEquals(List.of(WAIT), runner.calls());
  }

  @Test
  void degraded_exitsNonZero_andNamesTheFailedUnits() {
    // systemd 252's plain listing: unit, load, active, sub, description.
    FakeCommandRunner runner = new FakeCommandRunner()
        .answer(WAIT, 1, "degraded\n", "")
        .answer(FAILED, 0, "mnt-data.mount loaded failed failed /mnt/data\n"
            + "e2scrub_reap.service loaded failed failed Remove Stale Online ext4 Metadata\n", "");

    SystemState state = new SystemdBoot(runner).await(inAMinute);

    assertEquals("degraded", state.getState());
    assertEquals(List.of("mnt-data.mount", "e2scrub_reap.service"), state.getFailedUnitsList());
    assertEquals(List.of(WAIT, FAILED), runner.calls());
  }

  @Test
  void anotherState_isReportedAsSystemdSaysIt() {
    FakeCommandRunner runner = new FakeCommandRunner().answer(WAIT, 1, "maintenance\n", "");

    assertEquals("maintenance", new SystemdBoot(runner).await(inAMinute).getState());
  }

  @Test
  void theWait_endsAtTheCallersDeadline_orAtTheCapWithoutOne() {
    List<Duration> timeouts = new CopyOnWriteArrayList<>();
    FakeCommandRunner runner = new FakeCommandRunner().on(WAIT, (c, lines) -> {
      timeouts.add(c.timeout());
      return FakeCommandRunner.ok(c, "running\n");
    });
    SystemdBoot boot = new SystemdBoot(runner);

    boot.await(inAMinute);
    boot.await(Instant.MAX);

    assertTrue(timeouts.get(0).compareTo(Duration.ofSeconds(60)) <= 0
        && timeouts.get(0).compareTo(Duration.ofSeconds(50)) > 0, timeouts.toString());
    assertEquals(SystemdBoot.MAX_WAIT, timeouts.get(1));
  }

  @Test
  void aDeadlineAlreadyPassed_runsNothing() {
    FakeCommandRunner runner = new FakeCommandRunner();

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> new SystemdBoot(runner).await(Instant.now().minusSeconds(1)));

    assertEquals(RaidvmException.Kind.DEADLINE_EXCEEDED, e.kind());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void noWordAtAll_failsWithSystemctlsMessage() {
    FakeCommandRunner runner = new FakeCommandRunner().answer(WAIT, 1, "",
        "Failed to connect to bus: No such file or directory\n");

    ToolException e = assertThrows(ToolException.class,
        () -> new SystemdBoot(runner).await(inAMinute));

    assertTrue(e.getMessage().contains("Failed to connect to bus"), e.getMessage());
  }
}
