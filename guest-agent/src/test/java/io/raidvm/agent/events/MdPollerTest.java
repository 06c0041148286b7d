package io.raidvm.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.api.agent.v1.MdEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The poller's loop, driven by a fake change source over real captured states. */
class MdPollerTest {

  /** Records what the poller asks; each await returns once the test releases it. */
  private static final class FakeSource implements ChangeSource {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Semaphore changes = new Semaphore(0);

    @Override
    public void watch(Set<Path> files) {
      calls.add("watch " + files.size());
    }

    @Override
    public void await(Optional<Duration> timeout) throws InterruptedException {
      calls.add("await " + timeout.map(Duration::toString).orElse("forever"));
      changes.acquire();
    }

    @Override
    public void wakeUp() {
      changes.release();
    }

    @Override
    public void close() {
      calls.add("close");
    }
  }

  private final MdJournal journal = new MdJournal("e", 100, Clock.systemUTC());
  private final FakeSource source = new FakeSource();
  private final BlockingQueue<MdState> kernel = new LinkedBlockingQueue<>();
  private MdState current = MdState.EMPTY;

  private MdPoller poller() {
    return new MdPoller(() -> {
      MdState next = kernel.poll();
      current = next == null ? current : next;
      return current;
    }, state -> Set.of(Path.of("/proc/mdstat")), source, journal);
  }

  private void awaitCalls(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (source.calls.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Test
  void idle_waitsForTheKernelWithoutTimer_andStateAtStartIsNoEvent() throws Exception {
    kernel.add(CapturedMd.md127("04-raid5-synced/mdstat", "04-raid5-synced/sysfs-md127"));
    MdPoller poller = poller();

    poller.start();
    awaitCalls(2);
    poller.stop();

    assertEquals(List.of("watch 1", "await forever", "close"), source.calls);
    assertEquals(0, journal.subscribe("e", 0).next(10).size());
  }

  @Test
  void whileASyncRuns_samplesEverySecond_andPublishesItsProgress() throws Exception {
    kernel.add(CapturedMd.md127("03-raid5-create/mdstat", "03-raid5-create/sysfs-md127"));
    MdPoller poller = poller();
    poller.start();
    awaitCalls(2);
    kernel.add(CapturedMd.md127("03-raid5-create/mdstat-p1", "03-raid5-create/sysfs-md127",
        "03-raid5-create/sysfs-md127-p1"));
    // Every sample of 03 caught the recovery running; 04 is the array after it.
    kernel.add(CapturedMd.md127("04-raid5-synced/mdstat", "04-raid5-synced/sysfs-md127"));

    source.changes.release(2);
    awaitCalls(6);
    poller.stop();

    assertEquals(List.of("watch 1", "await PT1S", "watch 1", "await PT1S", "watch 1",
        "await forever", "close"), source.calls);
    assertEquals(List.of(MdEvent.Kind.REBUILD_PROGRESS, MdEvent.Kind.REBUILD_FINISHED,
        MdEvent.Kind.SPARE_ACTIVE), journal.subscribe("e", 0).next(10).stream()
        .map(e -> e.getMd().getKind()).toList());
  }
}
