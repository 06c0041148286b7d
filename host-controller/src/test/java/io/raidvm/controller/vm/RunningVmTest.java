package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** How a QEMU that this controller launched (its child) ended, in words. */
class RunningVmTest {

  private static String endOf(String script) throws Exception {
    Process child = new ProcessBuilder("sh", "-c", script).start();
    child.waitFor();
    RunningVm vm = new RunningVm(new QemuProcess(child.pid(), Path.of("/nonexistent/vm1")), child,
        null, FakeAgentSession.notConnected(), "tcg", "max", List.of(), Instant.now(), false);
    OptionalInt status = vm.exitStatus();
    return QemuEnd.how(status, "");
  }

  @Test
  void aChildKilledBySigkill_isReportedWithTheSignal() throws Exception {
    assertEquals("QEMU was killed (signal 9, SIGKILL)", endOf("kill -9 $$"));
  }

  @Test
  void aChildThatExited_isReportedWithItsCode() throws Exception {
    assertEquals("QEMU exited with code 1", endOf("exit 1"));
  }
}
