package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keeper on the grow captured in the guest (fixtures/guest-reshape/r2-grow-4: 512 KiB
 * chunks, offsets 4096 → 1024, so a window of 2048 sectors): the reshape's sync_completed moves
 * on between samples as md would move it, and sync_max must stay a window ahead of it until the
 * reshape is over, then read "max".
 */
class ReshapeWindowKeeperTest {

  private static final String R2 = "guest-reshape/r2-grow-4/sysfs-md127";

  @TempDir
  Path root;

  private Path md() {
    return root.resolve("sys/block/md127/md");
  }

  private String file(String name) {
    try {
      return Files.readString(md().resolve(name)).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void keep_movesSyncMaxAheadOfTheReshape_inWholeUnits_thenLetsMdRunFree() throws Exception {
    MdGuest guest = new MdGuest(root);
    guest.sysfs(R2 + "-reshape");
    List<String> maxes = new ArrayList<>();
    // md at each sample: where it is (it waits at sync_max meanwhile), then over.
    List<Runnable> steps = new ArrayList<>(List.of(
        () -> guest.tree.write("sys/block/md127/md/sync_completed", "31744 / 123904\n"),
        () -> guest.tree.write("sys/block/md127/md/sync_completed", "31744 / 123904\n"),
        () -> {
          guest.sysfs(R2 + "-reshape-after");
          guest.tree.write("sys/block/md127/md/sync_max", "33792\n");
        }));
    MdKernelFiles kernel = new MdKernelFiles(root);
    ReshapeWindowKeeper keeper = new ReshapeWindowKeeper(kernel, d -> {
      maxes.add(file("sync_max"));
      steps.remove(0).run();
    });
    keeper.hold("md127", 1024);
    guest.tree.write("sys/block/md127/md/sync_completed", "30720 / 123904\n");

    keeper.keep("md127", ReshapeWindow.of(kernel.reshapeUnit("md127"),
        kernel.memberOffsets("md127")).orElseThrow());

    assertEquals(List.of("32768", "33792", "33792"), maxes);
    assertEquals("max", file("sync_max"));
  }

  /** md refuses sync_max while its sync thread runs (EBUSY); here a write that fails. */
  @Test
  void hold_triesAgainWhileMdRefuses_andGivesUpAfterFiveSeconds() throws Exception {
    new MdGuest(root).sysfs(R2 + "-reshape-after");
    Path syncMax = md().resolve("sync_max");
    Files.delete(syncMax);
    Files.createDirectory(syncMax);
    List<Integer> steps = new ArrayList<>();
    ReshapeWindowKeeper keeper = new ReshapeWindowKeeper(new MdKernelFiles(root), d -> {
      steps.add(steps.size());
      if (steps.size() == 3) {
        try {
          Files.delete(syncMax);
          Files.writeString(syncMax, "max\n");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    });

    assertEquals(true, keeper.hold("md127", 1024));
    assertEquals(3, steps.size());
    assertEquals("1024", file("sync_max"));

    Files.delete(syncMax);
    Files.createDirectory(syncMax);
    steps.clear();
    assertEquals(false, new ReshapeWindowKeeper(new MdKernelFiles(root), d -> steps.add(0))
        .hold("md127", 1024));
    assertEquals(ReshapeWindowKeeper.HOLD_TRIES - 1, steps.size());
  }

  @Test
  void keep_ofAReshapeMdRunsFreeAlready_writesNothing() throws Exception {
    MdGuest guest = new MdGuest(root);
    guest.sysfs(R2 + "-reshape");
    MdKernelFiles kernel = new MdKernelFiles(root);
    List<String> samples = new ArrayList<>();

    new ReshapeWindowKeeper(kernel, d -> samples.add("sample"))
        .keep("md127", new ReshapeWindow(1024, 1024));

    assertEquals(List.of(), samples);
    assertEquals("max", file("sync_max"));
    assertEquals(Optional.empty(), kernel.syncMax("md127"));
  }
}
