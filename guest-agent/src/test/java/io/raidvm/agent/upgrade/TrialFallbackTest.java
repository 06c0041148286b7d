package io.raidvm.agent.upgrade;

import static io.raidvm.agent.upgrade.AgentJarInstallerTest.runnableJar;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.audit.AgentAuditLog;
import io.raidvm.api.agent.v1.AgentAuditEntry;
import io.raidvm.api.agent.v1.AgentFallback;
import io.raidvm.common.Sha256;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.FakeCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest's fallback from a jar on trial, on real files in a folder standing for the guest's
 * root: each state an install, a commit, a fallback — or a power cut between their steps — can
 * leave, and what the fallback makes of it.
 */
class TrialFallbackTest {

  private static final Instant DEADLINE = Instant.parse("2026-12-02T00:05:00Z");
  /** The fallback runs after the deadline. */
  private static final Clock LATE = Clock.fixed(DEADLINE.plusSeconds(1), ZoneOffset.UTC);

  @TempDir
  Path root;

  private Path jar;
  private byte[] old;
  private byte[] broken;
  private AgentTrial trials;
  private AgentAuditLog audit;
  private final FakeCommandRunner runner = FakeCommandRunner.succeeding();
  private boolean agentServes;

  @BeforeEach
  void setUp() throws IOException {
    jar = AgentJarInstallerTest.jarIn(root);
    broken = runnableJar("2.0-broken");
    old = runnableJar("1.0");
    trials = new AgentTrial(jar);
    audit = AgentAuditLog.in(root);
  }

  /** What an install leaves: the new jar in place, the old as .previous, the trial. */
  private void installed() throws IOException {
    Files.write(jar, broken);
    Files.write(jar.resolveSibling("raidvm-agent.jar.previous"), old);
    Files.writeString(jar.resolveSibling("raidvm-agent.jsa.previous"), "archive of 1.0");
    trials.begin(trial());
  }

  private AgentTrial.Trial trial() {
    return new AgentTrial.Trial(Sha256.of(broken), Sha256.of(old), DEADLINE);
  }

  private TrialFallback fallback() {
    return new TrialFallback(root, LATE, () -> agentServes, runner, audit);
  }

  private List<String> files() throws IOException {
    try (Stream<Path> all = Files.list(jar.getParent())) {
      return all.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aJarThatDidNotServeByTheDeadline_isReplacedByThePreviousOne_andTheAgentRestarted()
      throws Exception {
    installed();

    assertEquals(TrialFallback.Outcome.RESTORED, fallback().await());

    assertArrayEquals(old, Files.readAllBytes(jar));
    assertArrayEquals(broken, Files.readAllBytes(jar.resolveSibling("raidvm-agent.jar.previous")),
        "the failed jar is kept, for a look at it");
    assertEquals("archive of 1.0", Files.readString(jar.resolveSibling("raidvm-agent.jsa")),
        "the old jar's class-data archive is back beside it");
    assertEquals(List.of("raidvm-agent.jar", "raidvm-agent.jar.fallback",
        "raidvm-agent.jar.previous", "raidvm-agent.jsa"), files(), "the trial is over");
    assertEquals(List.of(List.of("systemctl", "restart", "raidvm-agent.service")),
        runner.calls());
  }

  @Test
  void theFallback_isRecordedForGetInfo_andInTheAuditTrail() throws Exception {
    installed();

    fallback().await();

    AgentFallback record = trials.lastFallback().orElseThrow();
    assertEquals(Sha256.of(broken), record.getFailedSha256());
    assertEquals(Sha256.of(old), record.getRestoredSha256());
    assertEquals(LATE.instant().getEpochSecond(), record.getAt().getSeconds());
    assertEquals("the agent jar " + Sha256.of(broken) + " did not start serving by "
        + DEADLINE + "; the previous jar was put back (the failed one is kept as"
        + " raidvm-agent.jar.previous)", record.getReason());
    List<AgentAuditEntry> entries = audit.read(0, 0).getEntriesList();
    assertEquals(1, entries.size());
    assertEquals("raidvm-agent-fallback", entries.get(0).getRpc());
    assertEquals("DEADLINE_EXCEEDED", entries.get(0).getCode());
    assertEquals(record.getReason(), entries.get(0).getMessage());
  }

  @Test
  void aCommittedTrial_endsTheWatch_andChangesNothing() throws Exception {
    installed();
    assertTrue(trials.commit(), "the new agent serves");

    assertEquals(TrialFallback.Outcome.COMMITTED, fallback().await());

    assertArrayEquals(broken, Files.readAllBytes(jar));
    assertEquals(List.of(), runner.calls());
    assertFalse(trials.commit(), "nothing left to commit");
  }

  @Test
  void anAgentThatServesWithoutCommitting_keepsItsJar() throws Exception {
    installed();
    agentServes = true; // an agent older than trials never removes the file

    assertEquals(TrialFallback.Outcome.SERVING, fallback().await());

    assertArrayEquals(broken, Files.readAllBytes(jar));
    assertTrue(trials.current().isEmpty());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void aCutBeforeTheNewJarTookItsName_leavesAStaleTrial_thatIsRemovedAndNothingSwapped()
      throws Exception {
    Files.write(jar, old);
    Files.write(jar.resolveSibling("raidvm-agent.jar.previous"), old);
    trials.begin(trial());

    assertEquals(TrialFallback.Outcome.STALE, fallback().await());

    assertArrayEquals(old, Files.readAllBytes(jar));
    assertEquals(List.of("raidvm-agent.jar", "raidvm-agent.jar.previous"), files());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void aCutAfterTheRecordBeforeTheSwap_isSettledByTheNextBootsFallback() throws Exception {
    installed();
    trials.recordFallback(AgentFallback.newBuilder().setFailedSha256(Sha256.of(broken))
        .setRestoredSha256(Sha256.of(old)).setReason("cut").build());

    assertEquals(TrialFallback.Outcome.RESTORED, fallback().await());

    assertArrayEquals(old, Files.readAllBytes(jar));
    assertTrue(trials.current().isEmpty());
  }

  @Test
  void aCutAfterTheSwapBeforeTheTrialWasRemoved_neverSwapsBack() throws Exception {
    installed();
    fallback().await();
    trials.begin(trial()); // as if the removal had not reached the disk
    runner.clearCalls();

    assertEquals(TrialFallback.Outcome.STALE, fallback().await());

    assertArrayEquals(old, Files.readAllBytes(jar));
    assertArrayEquals(broken, Files.readAllBytes(jar.resolveSibling("raidvm-agent.jar.previous")));
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void aCutBetweenTheSwapsRenames_leavesTheOldJarInPlace_whichIsKept() throws Exception {
    Files.write(jar, old); // the swap's first rename done, .previous not yet renamed back
    trials.begin(trial());

    assertEquals(TrialFallback.Outcome.STALE, fallback().await());

    assertArrayEquals(old, Files.readAllBytes(jar));
  }

  @Test
  void withoutAPreviousJar_theFallbackFails_andLeavesTheJarAsItIs() throws Exception {
    installed();
    Files.delete(jar.resolveSibling("raidvm-agent.jar.previous"));

    RaidvmException e = assertThrows(RaidvmException.class, () -> fallback().await());

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertArrayEquals(broken, Files.readAllBytes(jar));
    assertTrue(trials.lastFallback().isEmpty());
  }

  @Test
  void noAgentListensOnASocketThatIsNotThere() {
    assertFalse(TrialFallback.healthy(root.resolve("agent.sock")));
  }
}
