package io.raidvm.agent.fs;

import java.util.List;

/**
 * One line of {@code /proc/self/mountinfo} (proc(5)), with octal escapes undone.
 *
 * @param majorMinor the device as "major:minor"
 * @param options the per-mount options ("rw", "relatime", …)
 * @param superOptions the filesystem's own options ("errors=remount-ro", …)
 */
public record Mount(int id, int parentId, String majorMinor, String root, String mountPoint,
    List<String> options, String fsType, String source, List<String> superOptions) {

  public Mount {
    options = List.copyOf(options);
    superOptions = List.copyOf(superOptions);
  }
}
