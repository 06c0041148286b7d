package io.raidvm.agent.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.Operations;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.FakeCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsTest {

  private static final List<String> UPDATE = List.of("update-initramfs", "-u");

  @TempDir
  Path root;

  private final FakeCommandRunner runner = new FakeCommandRunner();
  private final OperationRegistry operations = new OperationRegistry();

  @Test
  void update_isAnOperation_whosePhaseIsTheToolsLatestLine() throws Exception {
    Fixtures.answerAsCaptured(runner, UPDATE, "19-initramfs/update-initramfs-with-array");

    Operation started = new Initramfs(runner, operations, root).update();
    Operation done = Operations.awaitEnd(operations, started);

    assertEquals("update-initramfs", started.getKind());
    assertEquals(Operation.State.SUCCEEDED, done.getState());
    // The capture printed this one line on stdout (the image compresses with gzip since: no
    // zstd warning on stderr any more).
    assertEquals("update-initramfs: Generating /boot/initrd.img-6.1.0-50-amd64",
        done.getProgress().getPhase());
    assertEquals(Duration.ofMinutes(30), Initramfs.UPDATE.timeout());
    assertEquals(Initramfs.RESUME_HINT, started.getResumeHint());
  }

  @Test
  void update_runsTheToolAndWhatItStartsWithFixedAddresses() throws Exception {
    List<Command> ran = new CopyOnWriteArrayList<>();
    runner.on(UPDATE, (command, lines) -> {
      ran.add(command);
      return FakeCommandRunner.ok(command, "");
    });

    Operations.awaitEnd(operations, new Initramfs(runner, operations, root).update());

    assertEquals(1, ran.size());
    assertTrue(ran.get(0).fixedAddresses());
  }

  @Test
  void anUpdateTheAgentDiedDuring_isInterrupted_andWhatTheToolLeftIsRemovedAtStart()
      throws Exception {
    Path records = root.resolve(OperationRegistry.DIR);
    CountDownLatch killed = new CountDownLatch(1);
    runner.on(UPDATE, (command, lines) -> {
      killed.await();
      return FakeCommandRunner.ok(command, "");
    });
    OperationRegistry dying = new OperationRegistry(records);
    Operation running = new Initramfs(runner, dying, root).update();
    String id = running.getId();
    Path half = Files.createDirectories(root.resolve("boot"))
        .resolve("initrd.img-6.1.0-18-amd64.new");
    Files.write(half, new byte[] {1});

    OperationRegistry next = new OperationRegistry(records);
    new Initramfs(runner, next, root);

    Operation after = next.get(id).snapshot();
    assertEquals(Operation.State.INTERRUPTED, after.getState());
    assertTrue(after.getErrorMessage().contains("run `raidctl op initramfs VM` again"));
    assertTrue(after.getErrorMessage().endsWith(
        "; at agent start: removed /boot/initrd.img-6.1.0-18-amd64.new"), after.getErrorMessage());
    assertFalse(Files.exists(half));
    killed.countDown();
    // The "dead" agent's worker writes its record last; let it finish before the folder goes.
    Operations.awaitEnd(dying, running);
  }

  @Test
  void update_whenTheToolFails_theOperationFailsWithItsStderr() throws Exception {
    runner.answer(UPDATE, 1, "", "E: /usr/share/initramfs-tools/hooks/mdadm failed\n");

    Operation done = Operations.awaitEnd(operations, new Initramfs(runner, operations, root).update());

    assertEquals(Operation.State.FAILED, done.getState());
    assertEquals("update-initramfs failed (exit 1): E: /usr/share/initramfs-tools/hooks/mdadm"
        + " failed [command: update-initramfs -u]", done.getErrorMessage());
  }
}
