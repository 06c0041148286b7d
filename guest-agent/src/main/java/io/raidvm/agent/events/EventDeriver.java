package io.raidvm.agent.events;

import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.MdEvent.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What changed between two {@link MdState}s, in mdadm --monitor's vocabulary. Pure: the same two
 * states always give the same events, in this order per array: members (removed, added, failed,
 * disappeared), degraded, a sync that ended, spares that became active, a sync that began, and
 * progress. Arrays come in the order of {@code after}, then the ones that stopped.
 */
public final class EventDeriver {

  private EventDeriver() {}

  public static List<MdEvent> derive(MdState before, MdState after) {
    List<MdEvent> events = new ArrayList<>();
    for (MdState.ArrayState a : after.arrays()) {
      Optional<MdState.ArrayState> b = before.array(a.name());
      if (b.isPresent()) {
        changed(b.get(), a, events);
      } else {
        appeared(a, events);
      }
    }
    before.arrays().stream().filter(b -> after.array(b.name()).isEmpty())
        .forEach(b -> events.add(event(Kind.ARRAY_STOPPED, b).build()));
    return events;
  }

  /** Like mdadm, a new array that is already degraded is reported as such at once. */
  private static void appeared(MdState.ArrayState a, List<MdEvent> events) {
    events.add(event(Kind.NEW_ARRAY, a).build());
    if (a.degraded() > 0) {
      events.add(event(Kind.DEGRADED_ARRAY, a).setDegraded(a.degraded()).build());
    }
    if (!a.syncKind().isEmpty()) {
      events.add(sync(Kind.REBUILD_STARTED, a, a.syncKind()).build());
    }
  }

  private static void changed(MdState.ArrayState b, MdState.ArrayState a,
      List<MdEvent> events) {
    boolean running = b.active() && a.active();
    for (MdState.MemberState m : b.members()) {
      if (a.member(m.name()).isEmpty()) {
        events.add(member(Kind.DEVICE_REMOVED, a, m));
      }
    }
    for (MdState.MemberState m : a.members()) {
      Optional<MdState.MemberState> was = b.member(m.name());
      if (was.isEmpty()) {
        events.add(member(Kind.DEVICE_ADDED, a, m));
      } else if (running) {
        memberChanged(was.get(), m, a, events);
      }
    }
    if (a.degraded() > b.degraded()) {
      events.add(event(Kind.DEGRADED_ARRAY, a).setDegraded(a.degraded()).build());
    }
    String was = b.syncKind();
    String now = a.syncKind();
    if (!was.isEmpty() && !was.equals(now)) {
      events.add(sync(Kind.REBUILD_FINISHED, a, was).setMismatchCount(a.mismatchCount()).build());
    }
    if (running) {
      a.members().stream()
          .filter(m -> b.member(m.name()).filter(MdState.MemberState::spare).isPresent())
          .filter(m -> !m.spare() && m.inSync())
          .forEach(m -> events.add(member(Kind.SPARE_ACTIVE, a, m)));
    }
    if (!now.isEmpty() && !now.equals(was)) {
      events.add(sync(Kind.REBUILD_STARTED, a, now).build());
    } else if (!now.isEmpty() && !a.sync().equals(b.sync())) {
      events.add(sync(Kind.REBUILD_PROGRESS, a, now).build());
    }
  }

  private static void memberChanged(MdState.MemberState was, MdState.MemberState m,
      MdState.ArrayState a, List<MdEvent> events) {
    if (!was.faulty() && m.faulty()) {
      events.add(member(was.rebuilding() ? Kind.FAIL_SPARE : Kind.FAIL, a, m));
    }
    if (was.present() && !m.present()) {
      events.add(member(Kind.DEVICE_DISAPPEARED, a, m));
    }
  }

  private static MdEvent.Builder event(Kind kind, MdState.ArrayState a) {
    return MdEvent.newBuilder().setKind(kind).setArray(a.name());
  }

  private static MdEvent member(Kind kind, MdState.ArrayState a, MdState.MemberState m) {
    return event(kind, a).setDevice("/dev/" + m.name()).build();
  }

  private static MdEvent.Builder sync(Kind kind, MdState.ArrayState a, String action) {
    return event(kind, a).setSyncAction(action).setSync(SnapshotArrays.sync(a));
  }
}
