package io.raidvm.agent.md;

import java.util.List;
import java.util.Optional;

/**
 * One array of /proc/mdstat.
 *
 * @param active false for an inactive array (members gathered, not started: no level); true for a
 *     running one, which kernel 6.12 may call "broken" (its array_state says so too)
 * @param readOnly "" for read-write, "read-only" or "auto-read-only"
 * @param level the personality ("raid5", "raid0", "linear", …); "" when inactive
 * @param blocks the size in 1 KiB blocks (of the members, for an inactive array)
 * @param superVersion "1.0", "1.2", "external:imsm", "non-persistent"; "" means 0.90 (the kernel
 *     prints nothing for it)
 * @param chunkKib 0 when the level has no chunk (raid1, linear)
 * @param algorithm raid4/5/6's layout number; -1 when mdstat names none
 * @param raidDisks and {@code workingDisks}: the {@code [n/m]} pair; 0 when mdstat has none
 *     (raid0, linear, inactive)
 * @param status the {@code [UU_]} letters; "" when mdstat has none
 * @param bitmap the bitmap line without its "bitmap: " prefix; "" when there is none
 * @param delayed {@code resync=DELAYED}: waits for another array on the same disks
 * @param pending {@code resync=PENDING}: a resync is due but the array is (auto-)read-only
 */
public record MdstatArray(String name, boolean active, String readOnly, String level,
    List<MdstatMember> members, long blocks, String superVersion, int chunkKib, int algorithm,
    int raidDisks, int workingDisks, String status, String bitmap,
    Optional<MdstatProgress> progress, boolean delayed, boolean pending) {

  public MdstatArray {
    members = List.copyOf(members);
  }

  public Optional<MdstatMember> member(String kernelName) {
    return members.stream().filter(m -> m.name().equals(kernelName)).findFirst();
  }
}
