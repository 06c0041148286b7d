package io.raidvm.agent.md;

import java.util.List;
import java.util.Optional;

/**
 * How far md may reshape ahead of the last position it recorded, for a reshape that moves the
 * members' data offsets (mdadm's way without a backup file). Pure.
 *
 * <p>Why (measured, docs/design.md "A reshape survives a power cut"): md started by mdadm on a
 * running array does not record its position often enough for such a reshape — the offset gap it
 * checks was taken when the array started, before mdadm set the new offsets — and a power cut or
 * reboot in the middle lost every file (trixie, kernel 6.12, mdadm 4.4). md does record its
 * position each time it reaches {@code sync_max}; kept a window ahead of {@code sync_completed}
 * no larger than the offset move, the stripes written in the new layout never cover old-layout
 * data past the recorded position, and the same power cut lost nothing. After the array is
 * assembled again md knows the new offsets and records often enough on its own.
 *
 * @param unitSectors the larger of the old and the new chunk, in sectors: sync_max must be a
 *     multiple of the chunk, and md reshapes a stripe of that many sectors per member at a time
 * @param windowSectors the largest multiple of the unit that leaves one unit of the smallest
 *     offset move free: {@code window + unit <= move}
 */
public record ReshapeWindow(long unitSectors, long windowSectors) {

  private static final long SECTOR = 512;

  /** A member's data offset and the one the reshape moves it to, in sectors (sysfs). */
  public record MemberOffsets(String member, long offset, long newOffset) {
    long move() {
      return Math.abs(newOffset - offset);
    }
  }

  /** The unit of a reshape from one chunk to another (equal when the chunk stays). */
  static long unit(long chunkBytesBefore, long chunkBytesAfter) {
    return Math.max(chunkBytesBefore, chunkBytesAfter) / SECTOR;
  }

  /** The smallest data-offset move of the members; 0 when no member's offset moves. */
  static long move(List<MemberOffsets> members) {
    return members.stream().mapToLong(MemberOffsets::move).filter(m -> m > 0).min().orElse(0);
  }

  /** The window for {@code unit} and the members' offsets; empty when the move leaves none. */
  static Optional<ReshapeWindow> of(long unit, List<MemberOffsets> members) {
    long window = (move(members) - unit) / unit * unit;
    return unit > 0 && window >= unit ? Optional.of(new ReshapeWindow(unit, window))
        : Optional.empty();
  }

  /**
   * sync_max for a reshape that has done {@code done} sectors: the window ahead, rounded down to
   * a unit, never below {@code current} (md refuses to lower sync_max while it reshapes).
   */
  long next(long done, long current) {
    return Math.max(current, (done + windowSectors) / unitSectors * unitSectors);
  }
}
