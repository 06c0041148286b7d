package io.raidvm.controller.events;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.Snapshot;
import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.api.agent.v1.WatchEvent;

/** Events as an agent sends them. */
public final class AgentEvents {

  private AgentEvents() {}

  public static WatchEvent snapshot(String epoch, long sequence, boolean gap, String reason,
      Array... arrays) {
    return WatchEvent.newBuilder().setEpoch(epoch).setSequence(sequence)
        .setSnapshot(Snapshot.newBuilder().setGap(gap).setReason(reason)
            .addAllArrays(java.util.List.of(arrays)))
        .build();
  }

  public static WatchEvent md(String epoch, long sequence, MdEvent.Kind kind, String array) {
    return WatchEvent.newBuilder().setEpoch(epoch).setSequence(sequence)
        .setMd(MdEvent.newBuilder().setKind(kind).setArray(array))
        .setMdstat("Personalities : [raid6] [raid5] [raid4]\n")
        .build();
  }

  public static WatchEvent rebuild(String epoch, long sequence, MdEvent.Kind kind, String array,
      double percent) {
    return WatchEvent.newBuilder().setEpoch(epoch).setSequence(sequence)
        .setMd(MdEvent.newBuilder().setKind(kind).setArray(array).setSyncAction("resync")
            .setSync(SyncStatus.newBuilder().setAction(kind == MdEvent.Kind.REBUILD_FINISHED
                ? "idle" : "resync").setPercent(percent).setSpeedKibPerS(20_000)
                .setEtaSeconds(30)))
        .build();
  }
}
