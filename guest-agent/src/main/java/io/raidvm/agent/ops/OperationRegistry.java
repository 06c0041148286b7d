package io.raidvm.agent.ops;

import io.raidvm.api.agent.v1.Operation;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's long operations (array syncs, mkfs, fsck, initramfs, …), so that a caller can look
 * one up again after reconnecting, and after an agent restart: each one has a record on the
 * guest's disk ({@link OperationFiles}). At start the registry reads the records; one still
 * RUNNING belonged to an agent that died, and becomes INTERRUPTED ({@link Interruption}).
 * Bounded: the oldest finished operations are forgotten first, their records with them.
 */
public final class OperationRegistry {

  /** The background part of an operation. An exception fails the operation. */
  public interface Work {
    void run(OperationHandle handle) throws Exception;
  }

  private static final Logger LOG = Logger.getLogger(OperationRegistry.class.getName());

  /** Where the agent keeps its operation records, below the guest's root. */
  public static final Path DIR = Path.of("var/lib/raidvm-agent/operations");

  static final int MAX_KEPT = 200;
  private static final Pattern ID = Pattern.compile("op-(\\d{1,18})-[0-9a-f]+");

  private final Clock clock;
  private final OperationRecords records;
  private final ExecutorService workers;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, OperationHandle> operations = new LinkedHashMap<>();
  /** Operations this registry found running at start and whose kind has not cleaned up yet. */
  private final List<OperationHandle> interruptedAtStart = new ArrayList<>();

  /** A registry in memory only: an agent restart forgets everything (tests of other parts). */
  public OperationRegistry() {
    this(Clock.systemUTC(), OperationRecords.NONE);
  }

  /**
   * A registry whose records live in {@code dir} (the agent's: {@code /} + {@link #DIR}); reads
   * the records a previous agent left there. A folder that cannot be created is a warning: the
   * agent then works, and forgets its operations when it restarts.
   */
  public OperationRegistry(Path dir) {
    this(dir, Clock.systemUTC());
  }

  OperationRegistry(Path dir, Clock clock) {
    this(clock, open(dir));
  }

  OperationRegistry(Clock clock) {
    this(clock, OperationRecords.NONE);
  }

  private OperationRegistry(Clock clock, OperationRecords records) {
    this.clock = clock;
    this.records = records;
    this.workers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "operation");
      t.setDaemon(true);
      return t;
    });
    restore(records.load());
  }

  /**
   * Registers a RUNNING operation of {@code kind} on {@code target} and records it.
   * {@code resumeHint}: should the agent die while it runs, what the killed tool may have left
   * and the one command that finishes the job (proto {@code Operation.resume_hint}).
   */
  public OperationHandle start(String kind, String target, String resumeHint) {
    String id = "op-" + ids.incrementAndGet() + "-" + Long.toHexString(clock.millis());
    OperationHandle handle = new OperationHandle(id, kind, target, resumeHint, clock, records);
    handle.save();
    synchronized (operations) {
      operations.put(id, handle);
      forgetOldest();
    }
    return handle;
  }

  /** {@link #start(String, String, String)} for a kind that has registered no hint yet. */
  public OperationHandle start(String kind, String target) {
    return start(kind, target, "");
  }

  /**
   * For a kind whose killed tool leaves files behind: when this registry found operations of
   * {@code kind} interrupted at start, runs {@code cleanup} once and adds the line it returns
   * (what it removed) to their messages. Call it once, while the agent starts.
   */
  public void afterInterruption(String kind, Supplier<String> cleanup) {
    List<OperationHandle> mine;
    synchronized (operations) {
      mine = interruptedAtStart.stream().filter(h -> h.snapshot().getKind().equals(kind))
          .toList();
      interruptedAtStart.removeAll(mine);
    }
    if (mine.isEmpty()) {
      return;
    }
    String note = cleanup.get();
    LOG.warning("after the interrupted " + kind + ": " + note);
    mine.forEach(h -> h.noteAfterInterruption("at agent start: " + note));
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
        + " keeps the last %d)", id, MAX_KEPT));
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
    workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static OperationRecords open(Path dir) {
    try {
      return OperationFiles.in(dir);
    } catch (RaidvmException e) {
      LOG.warning("operations are kept in memory only: " + e.getMessage());
      return OperationRecords.NONE;
    }
  }

  /** Takes in what a previous agent recorded, oldest first; its running ones were cut off. */
  private void restore(List<Operation> recorded) {
    Comparator<Operation> byStart = Comparator.comparingLong(
        (Operation o) -> o.getStartedAt().getSeconds())
        .thenComparingInt(o -> o.getStartedAt().getNanos())
        .thenComparingLong(o -> counter(o.getId()));
    recorded.stream().mapToLong(o -> counter(o.getId())).max().ifPresent(ids::set);
    synchronized (operations) {
      for (Operation op : recorded.stream().sorted(byStart).toList()) {
        OperationHandle handle;
        if (op.getState() == Operation.State.RUNNING) {
          handle = new OperationHandle(Interruption.of(op, OperationHandle.timestamp(clock)),
              clock, records);
          handle.save();
          interruptedAtStart.add(handle);
          LOG.warning(handle.snapshot().getErrorMessage());
        } else {
          handle = new OperationHandle(op, clock, records);
        }
        operations.put(op.getId(), handle);
      }
      while (forgetOldest()) {
        // one at a time, oldest finished first
      }
    }
  }

  /** N of an id "op-N-…", or 0 for another spelling. */
  static long counter(String id) {
    Matcher m = ID.matcher(id);
    return m.matches() ? Long.parseLong(m.group(1)) : 0;
  }

  /** Forgets the oldest finished operation when there are too many; says whether it did. */
  private boolean forgetOldest() {
    if (operations.size() <= MAX_KEPT) {
      return false;
    }
    Optional<String> oldest = operations.entrySet().stream()
        .filter(e -> !e.getValue().running())
        .map(Map.Entry::getKey)
        .findFirst();
    oldest.ifPresent(id -> {
      operations.remove(id);
      records.delete(id);
    });
    return oldest.isPresent();
  }
}
