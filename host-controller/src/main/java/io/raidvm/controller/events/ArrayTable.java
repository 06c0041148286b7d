package io.raidvm.controller.events;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.SyncStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arrays of one VM as last known: the agent's last snapshot, with what the md events since
 * then say about them (which arrays exist, how degraded, how far their sync is). Members are as
 * of the snapshot: the agent's next snapshot brings them up to date.
 */
final class ArrayTable {

  private final Map<String, Array> arrays = new LinkedHashMap<>();

  void replace(List<Array> snapshot) {
    arrays.clear();
    snapshot.forEach(a -> arrays.put(a.getName(), a));
  }

  void apply(MdEvent event) {
    String name = event.getArray();
    if (event.getKind() == MdEvent.Kind.ARRAY_STOPPED) {
      arrays.remove(name);
      return;
    }
    Array.Builder array = arrays.getOrDefault(name, Array.newBuilder().setName(name).build())
        .toBuilder();
    switch (event.getKind()) {
      case DEGRADED_ARRAY -> array.setDegraded(event.getDegraded());
      case REBUILD_STARTED, REBUILD_PROGRESS -> array.setSync(event.getSync());
      case REBUILD_FINISHED -> array.setSync(SyncStatus.newBuilder().setAction("idle"))
          .setMismatchCount(event.getMismatchCount());
      default -> { }
    }
    arrays.put(name, array.build());
  }

  List<Array> list() {
    return new ArrayList<>(arrays.values());
  }
}
