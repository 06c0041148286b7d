package io.raidvm.controller.events;

import com.google.protobuf.Timestamp;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.Snapshot;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.common.events.EventJournal;
import io.raidvm.api.agent.v1.Array;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * The events of one VM, as the controller tells them: the agent's md events and the controller's
 * own VM events in one journal with the controller's epoch and sequence. A fresh watch starts with
 * a snapshot of the arrays as last known; a resumed one continues right after the event it names,
 * or starts with a gap snapshot when those events are not kept.
 */
public final class VmEventHub {

  /** The reason of the gap snapshot recorded when the agent lost its events (it restarted). */
  static final String AGENT_RESTARTED = "agent restarted";

  private final String vm;
  private final EventJournal<WatchEvent> journal;
  private final Executor executor;
  private final ArrayTable arrays = new ArrayTable();
  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();

  private final BiConsumer<String, WatchEvent> tap;

  VmEventHub(String vm, EventJournal<WatchEvent> journal, Executor executor,
      BiConsumer<String, WatchEvent> tap) {
    this.vm = vm;
    this.journal = journal;
    this.executor = executor;
    this.tap = tap;
  }

  /** Starts a watch after ({@code epoch}, {@code afterSequence}); empty epoch: a fresh one. */
  public Watch watch(String epoch, long afterSequence, boolean includeMdstat, EventSink sink) {
    Watch watch = new Watch(this, sink, includeMdstat, executor);
    synchronized (this) {
      EventJournal.Start start = journal.start(epoch, afterSequence);
      WatchEvent first = epoch.isEmpty() || start.gap()
          ? snapshot(start.after(), start.gapReason()) : null;
      watch.open(journal.cursor(start.after(), watch::wake), first);
    }
    watches.add(watch);
    watch.wake();
    return watch;
  }

  /** How many watches are open. */
  public int watchers() {
    return watches.size();
  }

  /** The names of the VM's arrays as last known (from the agent's snapshot and events since). */
  public synchronized List<String> arrayNames() {
    return arrays.list().stream().map(Array::getName).toList();
  }

  /** Records a VM event. */
  public synchronized void vmEvent(VmEvent.Kind kind, String disk, String detail) {
    VmEvent event = VmEvent.newBuilder().setKind(kind).setVm(vm).setDisk(disk).setDetail(detail)
        .build();
    tap.accept(vm, journal.append(sequence -> stamp(sequence, now()).setVm(event).build())
        .event());
  }

  /**
   * Takes one event of the agent's stream: a snapshot replaces the arrays and is recorded (as a
   * gap when the agent lost events); an md event updates them and is recorded.
   */
  public synchronized void fromAgent(WatchEvent event) {
    switch (event.getBodyCase()) {
      case SNAPSHOT -> {
        Snapshot snapshot = event.getSnapshot();
        arrays.replace(snapshot.getArraysList());
        String reason = snapshot.getGap() ? agentGapReason(snapshot.getReason()) : "";
        journal.append(sequence -> snapshot(sequence, reason));
      }
      case MD -> {
        MdEvent md = event.getMd();
        arrays.apply(md);
        tap.accept(vm, journal.append(sequence -> stamp(sequence, event.getTime()).setMd(md)
            .setMdstat(event.getMdstat()).build()).event());
      }
      default -> { }
    }
  }

  private static String agentGapReason(String agentReason) {
    return agentReason.equals(EventJournal.EPOCH_CHANGED) ? AGENT_RESTARTED
        : "agent: " + agentReason;
  }

  /** Moves a watcher that fell behind to the newest event; returns the snapshot it needs. */
  synchronized WatchEvent catchUp(EventJournal<WatchEvent>.Cursor cursor) {
    return snapshot(cursor.skipToNewest(), EventJournal.TOO_FAR_BEHIND);
  }

  void closed(Watch watch) {
    watches.remove(watch);
  }

  private synchronized WatchEvent snapshot(long sequence, String gapReason) {
    return stamp(sequence, now()).setSnapshot(Snapshot.newBuilder()
        .addAllArrays(arrays.list())
        .setGap(!gapReason.isEmpty())
        .setReason(gapReason)).build();
  }

  private WatchEvent.Builder stamp(long sequence, Timestamp time) {
    return WatchEvent.newBuilder().setEpoch(journal.epoch()).setSequence(sequence).setTime(time);
  }

  private static Timestamp now() {
    Instant now = Instant.now();
    return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
  }
}
