package io.raidvm.agent.device;

import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.agent.fs.Mount;
import io.raidvm.agent.fs.Mounts;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.md.ArrayNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns the device names callers use (storage.proto's header) into {@link BlockDeviceRef}s: a
 * path under /dev (symlinks such as /dev/disk/by-id/… resolved), a kernel name ("sdb1"), or the
 * serial the controller gave a disk ("d1", its first partition "d1-part1"). A kernel name wins
 * over a serial of the same spelling.
 */
public final class DeviceResolver {

  /** How udev names a QEMU SCSI disk by the serial the controller gave it. */
  static final String SERIAL_LINK_PREFIX = "scsi-0QEMU_QEMU_HARDDISK_";

  /** Characters device paths and names use; anything else (quotes, spaces, $, ;, …) is refused. */
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:+@=,/-]+");
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+-]*");
  private static final int S_IFMT = 0170000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFREG = 0100000;

  private final Path root;
  private final SysfsBlock sysfs;

  /** {@code root} is "/" in the guest; tests pass a directory laid out like /dev, /sys, /proc. */
  public DeviceResolver(Path root) {
    this.root = root;
    this.sysfs = new SysfsBlock(root);
  }

  /** The device's size as the kernel says it (sysfs); 0 when sysfs does not say. */
  public long sizeBytes(BlockDeviceRef device) {
    return sysfs.sizeSectors(device.kernelName()) * 512;
  }

  /**
   * @throws RaidvmException INVALID_ARGUMENT for a name that is malformed or not a block device,
   *     NOT_FOUND when no device has that name
   */
  public BlockDeviceRef resolve(String ref) {
    requireWellFormed(ref);
    if (ref.startsWith("/")) {
      return ref(ref, nodeKernelName(ref));
    }
    if (!PLAIN_NAME.matcher(ref).matches()) {
      throw invalid(ref);
    }
    if (sysfs.exists(ref)) {
      return ref(ref, ref);
    }
    if (Files.exists(byIdLink(ref))) {
      return ref(ref, nodeKernelName("/dev/disk/by-id/" + SERIAL_LINK_PREFIX + ref));
    }
    throw RaidvmException.notFound("no block device '%s': it is neither a kernel name (such as"
        + " sdb1) nor the serial of an attached disk (such as d1 or d1-part1)", ref);
  }

  /** The kernel name ("md127") of an array that may not exist yet: "md127", "/dev/md127". */
  public String arrayName(String ref) {
    return ArrayNames.require(ref);
  }

  /** An array that exists now; NOT_FOUND otherwise. */
  public BlockDeviceRef resolveArray(String ref) {
    return ref(ref, existingArrayName(ref));
  }

  /**
   * The kernel name of an array that exists now; NOT_FOUND otherwise. Lighter than {@link
   * #resolveArray}, which also finds the OS disk (from mountinfo): what a status read needs.
   */
  public String existingArrayName(String ref) {
    String name = arrayName(ref);
    if (!sysfs.exists(name)) {
      throw RaidvmException.notFound("no array %s: /dev/%s does not exist", name, name);
    }
    return name;
  }

  /**
   * Those of {@code paths} that name {@code device} now: its node, or a link to it such as
   * /dev/md/NAME or /dev/disk/by-uuid/…. A path that names nothing, or another device, or that
   * cannot be read, is left out.
   */
  public Set<String> namesOf(BlockDeviceRef device, Collection<String> paths) {
    return paths.stream().filter(path -> names(path, device.kernelName()))
        .collect(Collectors.toSet());
  }

  private boolean names(String path, String kname) {
    try {
      requireWellFormed(path);
      return nodeKernelName(path).equals(kname);
    } catch (RaidvmException e) {
      return false;
    }
  }

  private BlockDeviceRef ref(String input, String kname) {
    String disk = sysfs.diskOf(kname);
    return new BlockDeviceRef(input, Path.of("/dev", kname), kname, disk,
        sysfs.isPartition(kname), osDisks().contains(disk));
  }

  private static void requireWellFormed(String ref) {
    if (ref == null || ref.isEmpty()) {
      throw RaidvmException.invalidArgument("device is missing: give a path under /dev, a kernel"
          + " name (sdb1) or a disk serial (d1, d1-part1)");
    }
    if (!SAFE.matcher(ref).matches() || ref.contains("..")) {
      throw invalid(ref);
    }
  }

  private static RaidvmException invalid(String ref) {
    return RaidvmException.invalidArgument("device '%s' is not valid: give a path under /dev, a"
        + " kernel name (sdb1) or a disk serial (d1, d1-part1)", ref);
  }

  /** The kernel name of the block device node at {@code path} (absolute, under /dev). */
  private String nodeKernelName(String path) {
    if (!path.startsWith("/dev/") || path.length() == "/dev/".length()) {
      throw RaidvmException.invalidArgument("device '%s' is not valid: a device path must be"
          + " under /dev", path);
    }
    Path node = root.resolve(path.substring(1));
    if (!Files.exists(node)) {
      throw RaidvmException.notFound("no block device %s: it does not exist", path);
    }
    Path real = realPath(node);
    String kname = real.getFileName().toString();
    if (!real.getParent().equals(realPath(root.resolve("dev"))) || !sysfs.exists(kname)
        || !isBlockNode(real)) {
      throw RaidvmException.invalidArgument("%s is not a block device", path);
    }
    return kname;
  }

  private Path byIdLink(String serial) {
    return root.resolve("dev/disk/by-id").resolve(SERIAL_LINK_PREFIX + serial);
  }

  /**
   * A block special file; a regular file stands in for one in test trees (a /dev directory never
   * holds regular files named like a block device in sysfs).
   */
  private static boolean isBlockNode(Path node) {
    try {
      int type = (Integer) Files.getAttribute(node, "unix:mode") & S_IFMT;
      return type == S_IFBLK || type == S_IFREG;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return !Files.isDirectory(node);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + node + ": " + e.getMessage(), e);
    }
  }

  /**
   * The disks that hold the root filesystem: the disk of the device mounted on /, and, when that
   * is an md array or a device-mapper volume, the disks of everything it is built on.
   */
  private Set<String> osDisks() {
    Set<String> disks = new HashSet<>();
    Optional<Mount> rootMount = Mounts.read(root).stream()
        .filter(m -> m.mountPoint().equals("/"))
        .reduce((first, second) -> second);
    rootMount.flatMap(m -> sysfs.kernelNameOf(m.majorMinor()))
        .ifPresent(kname -> addWithFoundations(kname, disks));
    return disks;
  }

  private void addWithFoundations(String kname, Set<String> disks) {
    String disk = sysfs.diskOf(kname);
    if (disks.add(disk)) {
      sysfs.slaves(kname).forEach(slave -> addWithFoundations(slave, disks));
      sysfs.slaves(disk).forEach(slave -> addWithFoundations(slave, disks));
    }
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot resolve " + path + ": " + e.getMessage(), e);
    }
  }
}
