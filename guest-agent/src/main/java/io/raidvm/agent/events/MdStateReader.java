package io.raidvm.agent.events;

import io.raidvm.agent.md.MdKernelFiles;
import io.raidvm.agent.md.MdSysfs;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads the {@link MdState} below a root ("/" in the guest), and names the files to poll. */
public final class MdStateReader {

  private static final List<String> POLLABLE =
      List.of("array_state", "sync_action", "degraded", "sync_completed");

  private final Path root;
  private final MdKernelFiles kernel;

  public MdStateReader(Path root) {
    this.root = root;
    this.kernel = new MdKernelFiles(root);
  }

  public MdState read() {
    return MdState.of(kernel.mdstat(), this::sysfs,
        name -> Files.exists(root.resolve("sys/class/block").resolve(name)));
  }

  /** /proc/mdstat and, for each array of {@code state}, its pollable sysfs attributes. */
  public Set<Path> pollable(MdState state) {
    Set<Path> files = new LinkedHashSet<>();
    files.add(root.resolve("proc/mdstat"));
    for (MdState.ArrayState array : state.arrays()) {
      Path md = root.resolve("sys/block").resolve(array.name()).resolve("md");
      POLLABLE.forEach(name -> files.add(md.resolve(name)));
      array.members().forEach(m -> files.add(md.resolve("dev-" + m.name()).resolve("state")));
    }
    return files;
  }

  /** Empty when the array went away between reading /proc/mdstat and its sysfs. */
  private Optional<MdSysfs> sysfs(String array) {
    try {
      return Optional.of(kernel.sysfs(array));
    } catch (RaidvmException e) {
      if (e.kind() != RaidvmException.Kind.NOT_FOUND) {
        throw e;
      }
      return Optional.empty();
    }
  }
}
