package io.raidvm.agent.power;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.agent.testing.RecordingExit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentRestarterTest {

  private final RecordingExit exit = new RecordingExit();
  private final AgentRestarter restarter = new AgentRestarter(
      () -> exit.record("stop server"), exit, Duration.ofMillis(100));

  @Test
  void graceful_returnsAtOnce_thenStopsTheServer_thenExitsWithZero()
      throws InterruptedException {
    restarter.restart(AgentRestarter.Mode.GRACEFUL);
    assertEquals(List.of(), exit.events());

    assertEquals(List.of("stop server", "exit 0"), exit.awaitEvents(2));
  }

  @Test
  void hard_returnsAtOnce_thenHaltsWithOne_withoutStoppingAnything()
      throws InterruptedException {
    restarter.restart(AgentRestarter.Mode.HARD);
    assertEquals(List.of(), exit.events());

    exit.awaitEvents(1);
    Thread.sleep(50);
    assertEquals(List.of("halt 1"), exit.events());
  }
}
