package io.raidvm.agent.ops;

import com.google.protobuf.Timestamp;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.common.error.RaidvmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One long operation as it runs: its work reports progress and its end here; callers read
 * snapshots and wait for changes. Every change of state reaches its record at once, progress at
 * most once per {@link #SAVE_INTERVAL}.
 */
public final class OperationHandle {

  /** How often progress alone is written to the operation's record, at most. */
  static final Duration SAVE_INTERVAL = Duration.ofSeconds(1);

  private final Clock clock;
  private final OperationRecords records;
  private Operation.Builder state;
  private long version;
  private long savedAtMillis;

  /** A new RUNNING operation; {@code resumeHint} is what to do should the agent die meanwhile. */
  OperationHandle(String id, String kind, String target, String resumeHint, Clock clock,
      OperationRecords records) {
    this(Operation.newBuilder().setId(id).setKind(kind).setTarget(target)
        .setState(Operation.State.RUNNING).setStartedAt(timestamp(clock))
        .setResumeHint(resumeHint).build(), clock, records);
  }

  /** An operation as a record holds it (one a previous agent started). */
  OperationHandle(Operation recorded, Clock clock, OperationRecords records) {
    this.clock = clock;
    this.records = records;
    this.state = recorded.toBuilder();
  }

  public synchronized String id() {
    return state.getId();
  }

  public synchronized Operation snapshot() {
    return state.build();
  }

  public synchronized boolean running() {
    return state.getState() == Operation.State.RUNNING;
  }

  /** Reports progress; ignored once the operation has ended. */
  public synchronized void progress(Progress progress) {
    if (running()) {
      state.setProgress(progress);
      version++;
      if (Math.abs(clock.millis() - savedAtMillis) >= SAVE_INTERVAL.toMillis()) {
        save();
      }
      notifyAll();
    }
  }

  /** Ends the operation successfully; {@code result} fills in its result. */
  public synchronized void succeed(Consumer<Operation.Builder> result) {
    if (running()) {
      result.accept(state);
      state.setState(Operation.State.SUCCEEDED).setFinishedAt(now());
      if (state.hasProgress()) {
        Progress.Builder done = state.getProgress().toBuilder().setPercent(100).setEtaSeconds(0);
        state.setProgress(done.setDone(Math.max(done.getDone(), done.getTotal())));
      }
      changed();
    }
  }

  /** Ends the operation with the error's gRPC code name and message. */
  public synchronized void fail(RuntimeException e) {
    if (running()) {
      String code = e instanceof RaidvmException r ? r.kind().name() : "INTERNAL";
      String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      state.setState(Operation.State.FAILED).setFinishedAt(now())
          .setErrorCode(code).setErrorMessage(message);
      changed();
    }
  }

  /** Writes the operation's record now. */
  synchronized void save() {
    savedAtMillis = clock.millis();
    records.save(state.build());
  }

  /** Adds {@code note} to the message of an interrupted operation (what the agent cleaned). */
  synchronized void noteAfterInterruption(String note) {
    if (state.getState() == Operation.State.INTERRUPTED) {
      state.setErrorMessage(state.getErrorMessage() + "; " + note);
      changed();
    }
  }

  synchronized void succeedIfRunning() {
    succeed(b -> { });
  }

  /**
   * Waits until the operation differs from the version the caller saw, or {@code timeout}
   * passes. Returns the version now; pass it to the next call.
   */
  public synchronized long awaitChange(long seenVersion, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (version == seenVersion) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return version;
  }

  public synchronized long version() {
    return version;
  }

  private void changed() {
    version++;
    save();
    notifyAll();
  }

  private Timestamp now() {
    return timestamp(clock);
  }

  static Timestamp timestamp(Clock clock) {
    Instant t = clock.instant();
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
