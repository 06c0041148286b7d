package io.raidvm.agent.events;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Member;
import io.raidvm.api.agent.v1.SyncStatus;
import java.util.List;

/**
 * An {@link MdState} as the {@link Array}s of a snapshot: what the kernel files say (no mdadm
 * run, so no uuid, name, size or counts: RaidService.GetArray has those).
 */
final class SnapshotArrays {

  private static final long SECTORS_PER_KIB = 2;

  private SnapshotArrays() {}

  static List<Array> of(MdState state) {
    return state.arrays().stream().map(SnapshotArrays::array).toList();
  }

  private static Array array(MdState.ArrayState a) {
    Array.Builder array = Array.newBuilder()
        .setName(a.name())
        .setDevice("/dev/" + a.name())
        .setLevel(a.level())
        .setArrayState(a.arrayState())
        .setRaidDevices(a.raidDisks())
        .setDegraded(a.degraded())
        .setSync(sync(a))
        .setMismatchCount(a.mismatchCount());
    a.members().forEach(m -> array.addMembers(Member.newBuilder()
        .setDevice("/dev/" + m.name())
        .setRole(m.slot())
        .setState(state(m))
        .addAllFlags(m.flags())));
    return array.build();
  }

  /** mdadm's word for the member, as RaidService reports it. */
  private static String state(MdState.MemberState m) {
    if (m.faulty()) {
      return "faulty";
    }
    if (m.rebuilding()) {
      return "rebuilding";
    }
    return m.spare() ? "spare" : "active";
  }

  /** The array's sync position and speed, with the kernel's action word. */
  static SyncStatus sync(MdState.ArrayState a) {
    long done = a.sync().done();
    long total = a.sync().total();
    long speed = a.syncSpeedKibPerS();
    return SyncStatus.newBuilder()
        .setAction(a.syncAction())
        .setPercent(total == 0 ? 0 : 100.0 * done / total)
        .setDoneSectors(done)
        .setTotalSectors(total)
        .setSpeedKibPerS(speed)
        .setEtaSeconds(speed == 0 ? 0 : (total - done) / SECTORS_PER_KIB / speed)
        .setDelayed(a.delayed())
        .setPending(a.pending())
        .build();
  }
}
