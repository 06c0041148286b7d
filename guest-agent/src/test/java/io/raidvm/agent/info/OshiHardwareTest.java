package io.raidvm.agent.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Runs OSHI on the machine that runs the tests: a smoke test that it reads this Linux. */
class OshiHardwareTest {

  @Test
  void facts_matchWhatTheKernelShows() throws IOException {
    HardwareFacts facts = new OshiHardware().get();

    // the kernel's CPUs, not the JVM's share of them (a cgroup quota lowers only the latter)
    long processors = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
        .filter(line -> line.matches("processor\\s*:.*")).count();
    assertEquals(processors, facts.logicalCpus());
    assertTrue(facts.memoryTotalBytes() > 0);
    assertTrue(facts.memoryAvailableBytes() <= facts.memoryTotalBytes());
    assertTrue(facts.uptimeSeconds() > 0);
  }
}
