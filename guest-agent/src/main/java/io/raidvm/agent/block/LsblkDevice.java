package io.raidvm.agent.block;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One entry of {@code lsblk -J -b} output (util-linux 2.38), as lsblk prints it: absent values are
 * null, {@code mountpoints} is {@code [null]} for an unmounted device, and an md array appears as a
 * child of every one of its members.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record LsblkDevice(
    String name,
    String kname,
    String path,
    Long size,
    String type,
    String vendor,
    String model,
    String serial,
    String fstype,
    String uuid,
    String label,
    List<String> mountpoints,
    Boolean ro,
    String pkname,
    String hctl,
    List<LsblkDevice> children) {

  LsblkDevice {
    mountpoints = mountpoints == null ? List.of()
        : mountpoints.stream().filter(m -> m != null && !m.isEmpty()).toList();
    children = children == null ? List.of() : List.copyOf(children);
  }

  /** True for an md array ({@code md0}, {@code md127}); its partitions are {@code md127p1}. */
  boolean isMdArray() {
    return kname != null && kname.matches("md\\d+");
  }

  boolean isPartition() {
    return "part".equals(type);
  }

  /** True when this device or anything below it is mounted at {@code mountPoint}. */
  boolean carries(String mountPoint) {
    return mountpoints.contains(mountPoint)
        || children.stream().anyMatch(child -> child.carries(mountPoint));
  }
}
