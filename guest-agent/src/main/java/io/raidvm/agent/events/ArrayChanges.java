package io.raidvm.agent.events;

import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import java.util.function.Consumer;

/**
 * Tells in-process code which arrays md started or stopped, from the same journal watchers read
 * (no second watch on the kernel): what is cached about an array's superblock (its name, UUID)
 * may have changed when it was stopped and assembled again.
 */
public final class ArrayChanges {

  private ArrayChanges() {}

  /**
   * Calls {@code changed} with the array's name for every NewArray and ArrayStopped event from
   * now on, on the poller's thread (keep it short).
   */
  public static Subscription follow(MdJournal journal, Consumer<String> changed) {
    Subscription subscription = journal.subscribe("", 0);
    subscription.onAvailable(() -> {
      for (var batch = subscription.next(EventsGrpcService.BATCH); !batch.isEmpty();
          batch = subscription.next(EventsGrpcService.BATCH)) {
        batch.stream().filter(WatchEvent::hasMd).map(WatchEvent::getMd)
            .filter(md -> md.getKind() == MdEvent.Kind.NEW_ARRAY
                || md.getKind() == MdEvent.Kind.ARRAY_STOPPED)
            .forEach(md -> changed.accept(md.getArray()));
      }
    });
    return subscription;
  }
}
