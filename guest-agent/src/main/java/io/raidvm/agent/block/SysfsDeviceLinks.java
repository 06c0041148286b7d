package io.raidvm.agent.block;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link DeviceLinks} read from sysfs and udev's {@code /dev/disk/by-id}, below a root directory. */
final class SysfsDeviceLinks implements DeviceLinks {

  private final SysfsBlock sysfs;
  private final Path byId;

  /** {@code root} is "/" in the guest and a prepared directory in tests. */
  SysfsDeviceLinks(Path root) {
    this.sysfs = new SysfsBlock(root);
    this.byId = root.resolve("dev/disk/by-id");
  }

  @Override
  public List<String> holders(String kname) {
    return sysfs.holders(kname);
  }

  @Override
  public Map<String, List<String>> byIdPaths() {
    Map<String, List<String>> links = new TreeMap<>();
    for (String name : SysfsBlock.sortedNames(byId)) {
      Path link = byId.resolve(name);
      target(link).ifPresent(
          kname -> links.computeIfAbsent(kname, k -> new ArrayList<>()).add(link.toString()));
    }
    return links;
  }

  /** The kernel name a by-id link resolves to; empty for a dangling link (device just removed). */
  private static Optional<String> target(Path link) {
    try {
      return Optional.of(link.toRealPath().getFileName().toString());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot resolve " + link + ": " + e.getMessage(), e);
    }
  }
}
