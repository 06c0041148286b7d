package io.raidvm.agent.ops;

import io.raidvm.api.agent.v1.Operation;
import io.raidvm.common.error.RaidvmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's long operations (array syncs, mkfs, fsck, initramfs, …), kept in memory so that a
 * caller can look one up again after reconnecting. Bounded: the oldest finished operations are
 * forgotten first.
 */
public final class OperationRegistry {

  /** The background part of an operation. An exception fails the operation. */
  public interface Work {
    void run(OperationHandle handle) throws Exception;
  }

  static final int MAX_KEPT = 200;

  private final Clock clock;
  private final ExecutorService workers;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, OperationHandle> operations = new LinkedHashMap<>();

  public OperationRegistry() {
    this(Clock.systemUTC());
  }

  OperationRegistry(Clock clock) {
    this.clock = clock;
    this.workers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "operation");
      t.setDaemon(true);
      return t;
    });
  }

  /** Registers a RUNNING operation of {@code kind} on {@code target}. */
  public OperationHandle start(String kind, String target) {
    String id = "op-" + ids.incrementAndGet() + "-" + Long.toHexString(clock.millis());
    OperationHandle handle = new OperationHandle(id, kind, target, clock);
    synchronized (operations) {
      operations.put(id, handle);
      forgetOldest();
    }
    return handle;
  }

  /** Runs {@code work} on its own thread; returns the operation as it stands now. */
  public Operation runInBackground(OperationHandle handle, Work work) {
    workers.execute(() -> {
      try {
        work.run(handle);
        handle.succeedIfRunning();
      } catch (InterruptedException e) {
        handle.fail(RaidvmException.interrupted(handle.snapshot().getKind(), e));
      } catch (RuntimeException e) {
        handle.fail(e);
      } catch (Exception e) {
        handle.fail(RaidvmException.internal(e.getMessage(), e));
      }
    });
    return handle.snapshot();
  }

  public Optional<OperationHandle> find(String id) {
    synchronized (operations) {
      return Optional.ofNullable(operations.get(id));
    }
  }

  /** The operation, or NOT_FOUND. */
  public OperationHandle get(String id) {
    if (id == null || id.isEmpty()) {
      throw RaidvmException.invalidArgument("operation id is missing");
    }
    return find(id).orElseThrow(() -> RaidvmException.notFound("no operation '%s' (the agent"
        + " keeps the last %d; an agent restart forgets them all)", id, MAX_KEPT));
  }

  /** Every operation the agent remembers, oldest first. */
  public List<Operation> list() {
    List<OperationHandle> all;
    synchronized (operations) {
      all = new ArrayList<>(operations.values());
    }
    return all.stream().map(OperationHandle::snapshot)
        .sorted(Comparator.comparing(o -> o.getStartedAt().getSeconds())).toList();
  }

  /** Stops the background work (at agent shutdown). */
  public void shutdown(Duration grace) throws InterruptedException {
    workers.shutdownNow();
    workers.awaitTermination(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private void forgetOldest() {
    if (operations.size() <= MAX_KEPT) {
      return;
    }
    operations.entrySet().stream()
        .filter(e -> !e.getValue().running())
        .findFirst()
        .ifPresent(e -> operations.remove(e.getKey()));
  }
}
