package io.raidvm.agent.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.Operations;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.common.process.FakeCommandRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InitramfsTest {

  private static final List<String> UPDATE = List.of("update-initramfs", "-u");

  private final FakeCommandRunner runner = new FakeCommandRunner();
  private final OperationRegistry operations = new OperationRegistry();

  @Test
  void update_isAnOperation_whosePhaseIsTheToolsLatestLine() throws Exception {
    Fixtures.answerAsCaptured(runner, UPDATE, "19-initramfs/update-initramfs-with-array");

    Operation started = new Initramfs(runner, operations).update();
    Operation done = Operations.awaitEnd(operations, started);

    assertEquals("update-initramfs", started.getKind());
    assertEquals(Operation.State.SUCCEEDED, done.getState());
    assertEquals("W: No zstd in /usr/bin:/sbin:/bin, using gzip", done.getProgress().getPhase());
    assertEquals(Duration.ofMinutes(30), Initramfs.UPDATE.timeout());
  }

  @Test
  void update_whenTheToolFails_theOperationFailsWithItsStderr() throws Exception {
    runner.answer(UPDATE, 1, "", "E: /usr/share/initramfs-tools/hooks/mdadm failed\n");

    Operation done = Operations.awaitEnd(operations, new Initramfs(runner, operations).update());

    assertEquals(Operation.State.FAILED, done.getState());
    assertEquals("update-initramfs failed (exit 1): E: /usr/share/initramfs-tools/hooks/mdadm"
        + " failed [command: update-initramfs -u]", done.getErrorMessage());
  }
}
