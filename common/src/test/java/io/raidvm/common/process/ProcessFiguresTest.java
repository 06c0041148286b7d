package io.raidvm.common.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.testing.TestResources;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProcessFiguresTest {

  @Test
  void parse_aJvmsStatus_readsResidentMemoryAndThreads() {
    Instant start = Instant.parse("2026-12-02T00:19:00Z");
    ProcessFigures figures = ProcessFigures.fromStatus(
        TestResources.read("fixtures/proc/java-status.txt"), 42, start, "17.0.15", 1234);

    assertEquals(new ProcessFigures(42, start, "17.0.15", 1234, 94_764L * 1024, 24), figures);
  }

  @Test
  void parse_aKernelThreadsStatus_withoutVmRss_failsNamingWhatIsMissing() {
    // A kernel thread's status has Threads but no Vm* lines.
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> ProcessFigures.fromStatus("Name:\tkworker/0:1\nState:\tI (idle)\nThreads:\t1\n",
            2, Instant.EPOCH, "", 0));

    assertEquals(RaidvmException.Kind.INTERNAL, e.kind());
    assertTrue(e.getMessage().contains("VmRSS"), e.getMessage());
  }

  @Test
  void current_isThisJvm_withItsThreadsAndSomeMemory() {
    ProcessFigures figures = ProcessFigures.current();

    assertTrue(figures.threads() >= Thread.activeCount(), figures.toString());
    assertTrue(figures.rssBytes() > 1024 * 1024, figures.toString());
    assertEquals(ProcessHandle.current().pid(), figures.pid());
  }
}
