package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.controller.Fixtures;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class QemuEndTest {

  private static OptionalInt exitOf(String fixture) {
    return ProcStat.parse(Fixtures.read("proc/" + fixture)).orElseThrow().exitStatus();
  }

  @Test
  void how_withTheExitStatusOfAKilledQemu_namesTheSignal() {
    assertEquals("QEMU was killed (signal 9, SIGKILL)",
        QemuEnd.how(exitOf("stat-zombie-sigkill.txt"), ""));
    assertEquals("QEMU was killed (signal 11, SIGSEGV)",
        QemuEnd.how(exitOf("stat-zombie-sigsegv.txt"), ""));
  }

  @Test
  void how_withTheExitStatusOfAQemuThatExited_givesItsCode() {
    assertEquals("QEMU exited with code 3", QemuEnd.how(exitOf("stat-zombie-exit3.txt"), ""));
  }

  @Test
  void how_withAnExitStatusAndAShutdownEvent_givesBoth() {
    assertEquals("QEMU exited with code 0 after a QMP SHUTDOWN event, reason host-qmp-quit (a"
        + " QMP quit command)", QemuEnd.how(OptionalInt.of(0), "host-qmp-quit"));
  }

  @Test
  void how_withOnlyAShutdownEvent_givesItsReason_explainedWhenKnown() {
    assertEquals("QEMU shut down (QMP SHUTDOWN event, reason guest-panic (the guest kernel"
        + " panicked))", QemuEnd.how(OptionalInt.empty(), "guest-panic"));
    assertEquals("QEMU shut down (QMP SHUTDOWN event, reason subsystem-reset)",
        QemuEnd.how(OptionalInt.empty(), "subsystem-reset"));
  }

  @Test
  void how_withNothingKnown_saysItEndedWithoutAShutdownEvent_andWhyTheStatusIsUnknown() {
    assertEquals("QEMU ended without a QMP SHUTDOWN event: it was killed (SIGKILL) or crashed;"
        + " its exit status is unknown (it was started by an earlier controller, which was its"
        + " parent)",
        QemuEnd.how(OptionalInt.empty(), ""));
  }
}
