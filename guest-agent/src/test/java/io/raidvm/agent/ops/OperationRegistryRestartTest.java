package io.raidvm.agent.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.testing.SteppingClock;
import io.raidvm.api.agent.v1.Filesystem;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry on a folder, and the next agent's registry on the same folder. */
class OperationRegistryRestartTest {

  private static final String HINT = "update-initramfs was killed; run `raidctl op initramfs VM`"
      + " again";

  @TempDir
  Path dir;

  private final SteppingClock clock = new SteppingClock(Instant.parse("2026-12-01T10:00:00Z"));

  @Test
  void aRunningOperation_afterARestart_isInterrupted_sayingItsStepAndWhatToDo() {
    OperationHandle h = registry().start("update-initramfs", "initramfs", HINT);
    clock.advance(OperationHandle.SAVE_INTERVAL);
    h.progress(Progress.newBuilder()
        .setPhase("update-initramfs: Generating /boot/initrd.img-6.1.0-18-amd64").build());
    clock.advance(Duration.ofSeconds(5));

    Operation after = registry().get(h.id()).snapshot();

    assertEquals(Operation.State.INTERRUPTED, after.getState());
    assertEquals("ABORTED", after.getErrorCode());
    assertEquals("update-initramfs: Generating /boot/initrd.img-6.1.0-18-amd64",
        after.getInterruptedStep());
    assertEquals("the agent stopped while update-initramfs of initramfs was running (step:"
        + " update-initramfs: Generating /boot/initrd.img-6.1.0-18-amd64); " + HINT,
        after.getErrorMessage());
    assertEquals(HINT, after.getResumeHint());
    assertEquals(clock.instant().getEpochSecond(), after.getFinishedAt().getSeconds());
  }

  @Test
  void anInterruption_isRecordedOnce_theRestartAfterThatFindsItInterruptedStill() {
    OperationHandle h = registry().start("check", "/dev/md127", "");
    registry();

    Operation after = registry().get(h.id()).snapshot();

    assertEquals(Operation.State.INTERRUPTED, after.getState());
    assertEquals("the agent stopped while check of /dev/md127 was running (step: starting); "
        + Interruption.UNKNOWN_LEFTOVERS, after.getErrorMessage());
  }

  @Test
  void aSucceededOperation_afterARestart_staysSucceeded_withItsResult() {
    OperationHandle h = registry().start("mkfs", "/dev/md127", "");
    h.succeed(b -> b.setFilesystem(Filesystem.newBuilder().setUuid("u-1")));

    Operation after = registry().get(h.id()).snapshot();

    assertEquals(h.snapshot(), after);
    assertEquals("u-1", after.getFilesystem().getUuid());
  }

  @Test
  void aFailedOperation_afterARestart_keepsItsError() {
    OperationHandle h = registry().start("fsck", "/dev/md127", "");
    h.fail(io.raidvm.common.error.RaidvmException.failedPrecondition("e2fsck found errors"));

    assertEquals(h.snapshot(), registry().get(h.id()).snapshot());
  }

  @Test
  void progress_reachesTheRecordAtMostOncePerSecond_changesOfStateAtOnce() {
    OperationHandle h = registry().start("check", "/dev/md127", "");
    h.progress(percent(10));
    clock.advance(Duration.ofMillis(400));
    h.progress(percent(20));
    assertEquals(0, recorded(h).getProgress().getPercent(), "too soon after the start");

    clock.advance(Duration.ofMillis(600));
    h.progress(percent(30));
    assertEquals(30, recorded(h).getProgress().getPercent(), "a second later");

    h.progress(percent(40));
    h.succeed(b -> { });
    assertEquals(Operation.State.SUCCEEDED, recorded(h).getState());
    assertEquals(100, recorded(h).getProgress().getPercent());
  }

  @Test
  void theRecordsOnDisk_areBoundedToo_forgettingTheOldestFinished() throws IOException {
    OperationRegistry first = registry();
    OperationHandle oldest = first.start("check", "md0", "");
    oldest.succeed(b -> { });
    OperationHandle running = first.start("check", "md1", "");
    for (int i = 0; i < OperationRegistry.MAX_KEPT; i++) {
      clock.advance(Duration.ofMillis(1));
      first.start("mkfs", "d" + i, "").succeed(b -> { });
    }

    assertEquals(OperationRegistry.MAX_KEPT, records().size());
    assertFalse(Files.exists(file(oldest.id())));
    assertTrue(Files.exists(file(running.id())));
    OperationRegistry next = registry();
    assertEquals(OperationRegistry.MAX_KEPT, next.list().size());
    assertTrue(next.find(oldest.id()).isEmpty());
  }

  @Test
  void aCorruptOrIncompleteRecord_isSkipped_theOthersLoad() throws IOException {
    OperationHandle good = registry().start("mkfs", "/dev/md127", "");
    good.succeed(b -> { });
    Files.write(dir.resolve("op-7-abc.binpb"), new byte[] {(byte) 0xff, 0x01, 0x02});
    byte[] whole = good.snapshot().toBuilder().setId("op-8-abc").build().toByteArray();
    Files.write(dir.resolve("op-8-abc.binpb"), java.util.Arrays.copyOf(whole, 3));
    Files.write(dir.resolve("op-9-abc.binpb"), good.snapshot().toByteArray());

    OperationRegistry next = registry();

    assertEquals(List.of(good.id()), next.list().stream().map(Operation::getId).toList());
    assertTrue(Files.exists(dir.resolve("op-7-abc.binpb")), "left for a person to look at");
  }

  @Test
  void theTemporaryFileOfAnUnfinishedWrite_isDeletedAtStart() throws IOException {
    Path tmp = Files.write(dir.resolve(".op-3-abc.binpb.tmp-4242"), new byte[] {1, 2});

    registry();

    assertFalse(Files.exists(tmp));
  }

  @Test
  void newOperationsAfterARestart_getIdsOfTheirOwn() {
    OperationHandle before = registry().start("check", "md0", "");

    OperationHandle after = registry().start("check", "md0", "");

    assertNotEquals(before.id(), after.id());
  }

  @Test
  void afterInterruption_cleansOnceForItsKind_andSaysSoInTheMessage() {
    OperationRegistry first = registry();
    OperationHandle initramfs = first.start("update-initramfs", "initramfs", HINT);
    OperationHandle check = first.start("check", "/dev/md127", "");
    OperationRegistry next = registry();
    List<String> cleaned = new ArrayList<>();

    next.afterInterruption("update-initramfs", () -> {
      cleaned.add("once");
      return "removed /boot/initrd.img-6.1.0-18-amd64.new";
    });
    next.afterInterruption("update-initramfs", () -> {
      cleaned.add("twice");
      return "";
    });

    assertEquals(List.of("once"), cleaned);
    assertTrue(next.get(initramfs.id()).snapshot().getErrorMessage().endsWith(HINT
        + "; at agent start: removed /boot/initrd.img-6.1.0-18-amd64.new"));
    assertTrue(registry().get(initramfs.id()).snapshot().getErrorMessage()
        .endsWith("removed /boot/initrd.img-6.1.0-18-amd64.new"), "recorded");
    assertFalse(next.get(check.id()).snapshot().getErrorMessage().contains("removed"));
  }

  @Test
  void afterInterruption_withNothingInterrupted_cleansNothing() {
    registry().start("update-initramfs", "initramfs", HINT).succeed(b -> { });
    List<String> cleaned = new ArrayList<>();

    registry().afterInterruption("update-initramfs", () -> {
      cleaned.add("cleaned");
      return "";
    });

    assertEquals(List.of(), cleaned);
  }

  @Test
  void aFolderThatCannotBeCreated_leavesTheRegistryWorkingInMemory() throws IOException {
    Path notADir = Files.write(dir.resolve("file"), new byte[0]);

    OperationRegistry registry = new OperationRegistry(notADir.resolve("operations"), clock);

    OperationHandle h = registry.start("check", "md0", "");
    assertEquals(Operation.State.RUNNING, registry.get(h.id()).snapshot().getState());
  }

  private OperationRegistry registry() {
    return new OperationRegistry(dir, clock);
  }

  private Path file(String id) {
    return dir.resolve(id + OperationFiles.SUFFIX);
  }

  private Operation recorded(OperationHandle h) {
    try {
      return Operation.parseFrom(Files.readAllBytes(file(h.id())));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private List<Path> records() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }

  private static Progress percent(double p) {
    return Progress.newBuilder().setPhase("check").setPercent(p).build();
  }
}
