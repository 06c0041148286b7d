package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.controller.Fixtures;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ProcStatTest {

  @Test
  void parse_ofAZombieKilledBySigkill_givesStateZAndItsWaitStatus() {
    ProcStat stat = ProcStat.parse(Fixtures.read("proc/stat-zombie-sigkill.txt")).orElseThrow();
    assertEquals(new ProcStat(8351, 'Z', 367322, OptionalInt.of(9)), stat);
    assertTrue(stat.zombie());
  }

  @Test
  void parse_ofAZombieThatExitedWith3_givesItsWaitStatus() {
    assertEquals(OptionalInt.of(3 << 8), ProcStat.parse(
        Fixtures.read("proc/stat-zombie-exit3.txt")).orElseThrow().exitStatus());
  }

  @Test
  void parse_ofARunningProcess_givesItsStateAndStartTime() {
    ProcStat stat = ProcStat.parse(Fixtures.read("proc/stat-running-cat.txt")).orElseThrow();
    assertEquals('R', stat.state());
    assertEquals(366987, stat.startTicks());
  }

  @Test
  void parse_ofACommandNameWithSpacesAndParentheses_readsTheFieldsAfterItsLastParenthesis() {
    String line = Fixtures.read("proc/stat-zombie-sigsegv.txt")
        .replace("(python3)", "(qemu (x) y)");
    ProcStat stat = ProcStat.parse(line).orElseThrow();
    assertEquals(new ProcStat(8353, 'Z', 367384, OptionalInt.of(11)), stat);
  }

  @Test
  void parse_ofSomethingElse_givesNothing() {
    assertEquals(Optional.empty(), ProcStat.parse(""));
    assertEquals(Optional.empty(), ProcStat.parse("1 (init) S 0"));
  }

  @Test
  void read_ofThisProcess_findsItRunning() {
    ProcStat stat = ProcStat.read(ProcessHandle.current().pid()).orElseThrow();
    assertEquals(ProcessHandle.current().pid(), stat.pid());
    assertTrue(!stat.zombie());
  }
}
