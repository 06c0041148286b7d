package io.raidvm.agent.power;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.agent.testing.RecordingExit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentRestarterTest {

  private final RecordingExit exit = RecordingExit.held();
  private final AgentRestarter restarter = new AgentRestarter(
      () -> exit.record("stop server"), exit, Duration.ZERO);

  @Test
  void graceful_returnsAtOnce_thenStopsTheServer_thenExitsWithZero()
      throws InterruptedException {
    restarter.restart(AgentRestarter.Mode.GRACEFUL);
    assertEquals(List.of(), exit.events());

    exit.release();
    exit.awaitEvents(2);
    assertEquals(List.of("stop server", "exit 0"), exit.awaitEndersDone());
  }

  @Test
  void hard_returnsAtOnce_thenHaltsWithOne_withoutStoppingAnything()
      throws InterruptedException {
    restarter.restart(AgentRestarter.Mode.HARD);
    assertEquals(List.of(), exit.events());

    exit.release();
    exit.awaitEvents(1);
    assertEquals(List.of("halt 1"), exit.awaitEndersDone());
  }
}
