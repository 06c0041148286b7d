package io.raidvm.controller.events;

import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.common.events.EventJournal;
import io.raidvm.controller.vm.VmEventListener;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * The event hubs of this controller's VMs, by name. One epoch for the whole process, chosen at
 * random: after a controller restart every client's resume point is a gap.
 */
public final class VmEventHubs implements VmEventListener {

  /** How many events each VM's journal keeps. */
  public static final int KEPT_EVENTS = 10_000;

  private final String epoch = UUID.randomUUID().toString();
  private final int capacity;
  private final Executor executor;
  private final Map<String, VmEventHub> hubs = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, WatchEvent> tap = (vm, event) -> { };

  /** @param executor where watches drain their events into their clients */
  public VmEventHubs(int capacity, Executor executor) {
    this.capacity = capacity;
    this.executor = executor;
  }

  public VmEventHub hub(String vm) {
    return hubs.computeIfAbsent(vm, name -> new VmEventHub(name,
        new EventJournal<WatchEvent>(epoch, capacity), executor, (v, e) -> tap.accept(v, e)));
  }

  /**
   * Where every VM's events also go, as they are recorded (the alerts): it runs inside the hub's
   * lock, so it must be quick.
   */
  public void tap(BiConsumer<String, WatchEvent> tap) {
    this.tap = tap;
  }

  @Override
  public void vmEvent(String vm, VmEvent.Kind kind, String disk, String detail) {
    hub(vm).vmEvent(kind, disk, detail);
  }

  /** How many watches are open, over all VMs. */
  public int watchers() {
    return hubs.values().stream().mapToInt(VmEventHub::watchers).sum();
  }
}
