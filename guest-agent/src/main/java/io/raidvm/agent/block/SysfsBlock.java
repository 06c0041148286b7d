package io.raidvm.agent.block;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the kernel says about block devices in {@code /sys/class/block} and {@code /sys/dev/block},
 * below a root directory ("/" in the guest, a prepared tree in tests).
 */
public final class SysfsBlock {

  private final Path classBlock;
  private final Path devBlock;

  public SysfsBlock(Path root) {
    this.classBlock = root.resolve("sys/class/block");
    this.devBlock = root.resolve("sys/dev/block");
  }

  /** True when the kernel has a block device of this name. */
  public boolean exists(String kname) {
    return Files.isDirectory(classBlock.resolve(kname));
  }

  public boolean isPartition(String kname) {
    return Files.exists(classBlock.resolve(kname).resolve("partition"));
  }

  /** The whole disk a partition belongs to (its parent in the device tree); itself otherwise. */
  public String diskOf(String kname) {
    if (!isPartition(kname)) {
      return kname;
    }
    return realPath(classBlock.resolve(kname)).getParent().getFileName().toString();
  }

  /** The partitions of a whole disk, sorted by name. */
  public List<String> partitions(String disk) {
    return sortedNames(classBlock.resolve(disk)).stream()
        .filter(name -> Files.exists(classBlock.resolve(disk).resolve(name).resolve("partition")))
        .toList();
  }

  /** Devices built on top of this one, such as an md array over a member. */
  public List<String> holders(String kname) {
    return sortedNames(classBlock.resolve(kname).resolve("holders"));
  }

  /** Devices this one is built on, such as the members of an md array. */
  public List<String> slaves(String kname) {
    return sortedNames(classBlock.resolve(kname).resolve("slaves"));
  }

  /** The device's size in 512-byte sectors; 0 when sysfs does not say. */
  public long sizeSectors(String kname) {
    Path size = classBlock.resolve(kname).resolve("size");
    try {
      String text = Files.readString(size).strip();
      return text.matches("\\d+") ? Long.parseLong(text) : 0;
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + size + ": " + e.getMessage(), e);
    }
  }

  /** "major:minor", as /proc/self/mountinfo names devices; empty when sysfs does not say. */
  public Optional<String> majorMinor(String kname) {
    Path dev = classBlock.resolve(kname).resolve("dev");
    try {
      return Optional.of(Files.readString(dev).strip());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + dev + ": " + e.getMessage(), e);
    }
  }

  /** The kernel name of the block device with this "major:minor"; empty when there is none. */
  public Optional<String> kernelNameOf(String majorMinor) {
    Path link = devBlock.resolve(majorMinor);
    if (majorMinor.contains("/") || !Files.exists(link)) {
      return Optional.empty();
    }
    return Optional.of(realPath(link).getFileName().toString());
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot resolve " + path + ": " + e.getMessage(), e);
    }
  }

  /** Entry names of {@code dir}, sorted; none when it does not exist (no udev, no holders). */
  static List<String> sortedNames(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }
}
