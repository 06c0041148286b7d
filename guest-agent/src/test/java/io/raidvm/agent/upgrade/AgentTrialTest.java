package io.raidvm.agent.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trial file: what is written is read back, a garbled one is no trial, a commit ends it. */
class AgentTrialTest {

  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  @TempDir
  Path dir;

  @Test
  void aTrialIsWrittenAsLines_andReadBack() throws IOException {
    AgentTrial trials = new AgentTrial(dir.resolve("raidvm-agent.jar"));
    AgentTrial.Trial trial = new AgentTrial.Trial(A, B, Instant.parse("2026-12-02T00:05:00Z"));

    trials.begin(trial);

    assertEquals("sha256=" + A + "\nprevious_sha256=" + B + "\ndeadline=2026-12-02T00:05:00Z\n",
        Files.readString(dir.resolve("raidvm-agent.jar.trial")));
    assertEquals(trial, trials.current().orElseThrow());
    assertTrue(trials.commit());
    assertFalse(Files.exists(dir.resolve("raidvm-agent.jar.trial")));
    assertTrue(trials.current().isEmpty());
  }

  @Test
  void aTrialFileThatCannotBeRead_isNoTrial() throws IOException {
    Files.writeString(dir.resolve("raidvm-agent.jar.trial"), "sha256=" + A + "\ndeadline=soon\n");

    assertTrue(new AgentTrial(dir.resolve("raidvm-agent.jar")).current().isEmpty());
  }

  @Test
  void theLength_isTheDefaultForZero_andRefusedOutsideItsRange() {
    assertEquals(Duration.ofMinutes(5), AgentTrial.length(0));
    assertEquals(Duration.ofSeconds(10), AgentTrial.length(10));
    assertEquals(Duration.ofHours(1), AgentTrial.length(3600));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT,
        assertThrows(RaidvmException.class, () -> AgentTrial.length(9)).kind());
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT,
        assertThrows(RaidvmException.class, () -> AgentTrial.length(3601)).kind());
  }
}
