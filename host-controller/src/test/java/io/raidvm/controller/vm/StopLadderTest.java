package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.controller.qmp.QmpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stop ladder against a stand-in QEMU ({@link ScriptedQemu}) and agent link. */
class StopLadderTest {

  private static final Duration GUEST_TIMEOUT = Duration.ofMillis(300);
  /** Short waits, so that a rung that does not end the stand-in costs the test little. */
  private static final StopLadder.Waits WAITS = new StopLadder.Waits(Duration.ofSeconds(10),
      Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(500));

  @TempDir
  Path dir;
  private Path vmDir;
  private ScriptedQemu qemu;
  private QmpClient qmp;

  @BeforeEach
  void setUp() throws Exception {
    vmDir = Files.createDirectories(dir.resolve("vm1"));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (qmp != null) {
      qmp.close();
    }
    if (qemu != null) {
      qemu.close();
    }
  }

  private QemuProcess qemu(boolean ignoresSigterm) throws Exception {
    qemu = ScriptedQemu.start(vmDir, ignoresSigterm);
    assertTrue(qemu.process().isAlive(), "the stand-in counts as the VM's QEMU");
    return qemu.process();
  }

  private QmpClient monitor(Set<String> endsOn) throws Exception {
    qemu.monitor(vmDir.resolve("qmp.sock"), endsOn);
    qmp = QmpClient.connect(vmDir.resolve("qmp.sock"));
    return qmp;
  }

  private FakeAgentSession agent = FakeAgentSession.notConnected();

  private String stop(QemuProcess process, QmpClient qmp, boolean force) {
    return stop(process, process, qmp, force);
  }

  private String stop(QemuProcess process, StopLadder.Target target, QmpClient qmp,
      boolean force) {
    RunningVm vm = new RunningVm(process, qmp, agent, "tcg", "max", List.of(), Instant.now(),
        false);
    return StopLadder.stop("vm1", vm, target, force, GUEST_TIMEOUT, WAITS);
  }

  @Test
  void aConnectedAgent_powersTheGuestOff_withoutAcpiOrQuit() throws Exception {
    QemuProcess process = qemu(false);
    agent = FakeAgentSession.connected(qemu::end);

    String step = stop(process, monitor(Set.of()), false);

    assertEquals("guest", step);
    assertEquals(List.of("powerOff"), agent.calls());
    assertEquals(List.of("qmp_capabilities"), qemu.received());
    assertFalse(process.isAlive());
  }

  @Test
  void anAgentThatRefuses_fallsBackToAcpi_whichPowersTheGuestOff() throws Exception {
    QemuProcess process = qemu(false);
    agent = FakeAgentSession.connected(null);

    String step = stop(process, monitor(Set.of("system_powerdown")), false);

    assertEquals("guest", step);
    assertEquals(List.of("powerOff"), agent.calls());
    assertEquals(List.of("qmp_capabilities", "system_powerdown"), qemu.received());
  }

  @Test
  void withoutAgent_aGuestThatIgnoresAcpi_isEndedByQuit() throws Exception {
    QemuProcess process = qemu(false);

    String step = stop(process, monitor(Set.of("quit")), false);

    assertEquals("quit", step);
    assertEquals(List.of("qmp_capabilities", "system_powerdown", "quit"), qemu.received());
    assertFalse(process.isAlive());
  }

  @Test
  void force_asksNoGuest_andQuitsAtOnce() throws Exception {
    QemuProcess process = qemu(false);
    agent = FakeAgentSession.connected(qemu::end);

    String step = stop(process, monitor(Set.of("quit")), true);

    assertEquals("quit", step);
    assertEquals(List.of("qmp_capabilities", "quit"), qemu.received());
    assertEquals(List.of(), agent.calls());
  }

  @Test
  void aQemuThatIgnoresQuit_isEndedBySigterm() throws Exception {
    QemuProcess process = qemu(false);

    String step = stop(process, monitor(Set.of()), true);

    assertEquals("SIGTERM", step);
    assertEquals(List.of("qmp_capabilities", "quit"), qemu.received());
    assertFalse(process.isAlive());
  }

  @Test
  void aQemuThatIgnoresQuitAndSigterm_isEndedBySigkill() throws Exception {
    QemuProcess process = qemu(true);

    String step = stop(process, monitor(Set.of()), true);

    assertEquals("SIGKILL", step);
    assertEquals(List.of("qmp_capabilities", "quit"), qemu.received());
    assertFalse(process.isAlive());
  }

  @Test
  void aQemuThatOutlivesSigkill_isReportedWithItsPid_andLeftAlone() throws Exception {
    QemuProcess process = qemu(true);
    // A QEMU stuck in the kernel (uninterruptible I/O) does not end on SIGKILL; a test cannot
    // make one, so this target ignores the kill and records that it was sent.
    List<String> signals = new java.util.concurrent.CopyOnWriteArrayList<>();
    StopLadder.Target stuck = new StopLadder.Target() {
      @Override
      public long pid() {
        return process.pid();
      }

      @Override
      public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.awaitExit(timeout);
      }

      @Override
      public void terminate() {
        signals.add("TERM");
        process.terminate();
      }

      @Override
      public void kill() {
        signals.add("KILL");
      }
    };

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> stop(process, stuck, monitor(Set.of()), true));

    assertEquals(RaidvmException.Kind.INTERNAL, e.kind());
    assertTrue(e.getMessage().contains("pid " + process.pid())
        && e.getMessage().contains("still there") && e.getMessage().contains("after SIGKILL"),
        e.getMessage());
    assertEquals(List.of("TERM", "KILL"), signals);
    assertEquals(List.of("qmp_capabilities", "quit"), qemu.received());
    assertTrue(process.isAlive(), "nothing else was done to the process");
  }
}
