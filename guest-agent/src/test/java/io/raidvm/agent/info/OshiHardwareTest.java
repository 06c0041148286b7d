package io.raidvm.agent.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Runs OSHI on the machine that runs the tests: a smoke test that it reads this Linux. */
class OshiHardwareTest {

  @Test
  void facts_matchWhatTheJvmSees() {
    HardwareFacts facts = new OshiHardware().get();

    assertEquals(Runtime.getRuntime().availableProcessors(), facts.logicalCpus());
    assertTrue(facts.memoryTotalBytes() > 0);
    assertTrue(facts.memoryAvailableBytes() <= facts.memoryTotalBytes());
    assertTrue(facts.uptimeSeconds() > 0);
  }
}
