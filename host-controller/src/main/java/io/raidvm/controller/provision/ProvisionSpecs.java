package io.raidvm.controller.provision;

import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.controller.v1.ProvisionArray;
import io.raidvm.api.controller.v1.ProvisionFilesystem;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.common.Names;
import io.raidvm.common.Sizes;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.fs.FilesystemTypes;
import io.raidvm.common.fs.MountOptions;
import io.raidvm.common.fs.MountPoint;
import io.raidvm.common.md.ArrayNames;
import io.raidvm.common.md.ArraySpec;
import io.raidvm.common.md.RaidLevel;
import io.raidvm.controller.disk.DiskSizes;
import io.raidvm.controller.vm.VmSpecs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Provision specs: the howto's values for what is unset, and every check that can be made
 * before anything exists. Pure.
 *
 * <p>A spec is either the shorthand (fields array … mount_point: one array over all disks) or a
 * list of arrays and filesystems. Everything after {@link #complete} reads it through
 * {@link #arrays} and {@link #filesystems}, so the steps know one shape only.
 */
public final class ProvisionSpecs {

  static final int MAX_DISKS = 16;
  static final long MIN_DISK_BYTES = 16L << 20;
  static final long MAX_DISK_BYTES = 16L << 40;
  static final long MIN_SYNC_SPEED_KIB = 1000;
  /** "d3" or "3": a data disk of the spec. */
  private static final Pattern DISK = Pattern.compile("d?([0-9]{1,2})");
  private static final Pattern RAID10_COPIES = Pattern.compile("[nfo]([0-9]{1,2})");

  private ProvisionSpecs() {}

  /** The spec with every default filled in, or INVALID_ARGUMENT naming the first bad field. */
  public static ProvisionSpec complete(ProvisionSpec in) {
    ProvisionSpec.Builder b = in.toBuilder();
    String vm = Names.requireNewVm(in.getVm());
    b.setMemoryMib(VmSpecs.memoryMib(b.getMemoryMib()));
    b.setVcpus(VmSpecs.vcpus(b.getVcpus()));
    if (b.getDiskSize().isEmpty()) {
      b.setDiskSize("3G");
    }
    if (in.getArraysCount() > 0) {
      completeArrays(b);
    } else {
      completeShorthand(b);
    }
    if (!b.hasPersist()) {
      b.setPersist(true);
    }
    if (!b.hasVerifyByReboot()) {
      b.setVerifyByReboot(b.getPersist());
    }
    ProvisionSpec spec = b.build();
    check(vm, spec);
    return spec;
  }

  private static void completeShorthand(ProvisionSpec.Builder b) {
    if (b.getFilesystemsCount() > 0) {
      throw RaidvmException.invalidArgument("filesystems need arrays: list the arrays they are"
          + " on, or give one array with the fields array, level … mount_point");
    }
    if (b.getDiskCount() == 0) {
      b.setDiskCount(4);
    }
    b.setArray(ArrayNames.require(b.getArray().isEmpty() ? "md127" : b.getArray()));
    RaidLevel level = RaidLevel.parse(b.getLevel().isEmpty() ? "raid5" : b.getLevel());
    b.setLevel(level.toString());
    b.setChunkKib(chunkKib(level, b.getChunkKib()));
    b.setMetadata(metadata(b.getMetadata()));
    b.setBitmap(bitmap(level, b.getBitmap()));
    if (b.getFilesystem().isEmpty()) {
      b.setFilesystem(FilesystemTypes.EXT4);
    }
    if (b.getMountPoint().isEmpty()) {
      b.setMountPoint("/mnt/" + b.getArray());
    }
  }

  /** Each array and filesystem with its defaults; disks spelled "d1" … "dN". */
  private static void completeArrays(ProvisionSpec.Builder b) {
    List<String> shorthand = new ArrayList<>();
    if (!b.getArray().isEmpty()) {
      shorthand.add("array");
    }
    if (!b.getLevel().isEmpty()) {
      shorthand.add("level");
    }
    if (b.getChunkKib() != 0) {
      shorthand.add("chunk_kib");
    }
    if (!b.getMetadata().isEmpty()) {
      shorthand.add("metadata");
    }
    if (b.getBitmap() != Bitmap.BITMAP_UNSPECIFIED) {
      shorthand.add("bitmap");
    }
    if (!b.getFilesystem().isEmpty()) {
      shorthand.add("filesystem");
    }
    if (!b.getMountPoint().isEmpty()) {
      shorthand.add("mount_point");
    }
    if (!shorthand.isEmpty()) {
      throw RaidvmException.invalidArgument("the spec lists arrays and also sets %s, the"
          + " shorthand for one array: give each array's settings in arrays (and filesystems),"
          + " or drop arrays", String.join(", ", shorthand));
    }
    int highest = 0;
    for (int i = 0; i < b.getArraysCount(); i++) {
      ProvisionArray.Builder a = b.getArrays(i).toBuilder();
      String where = "arrays[" + i + "]";
      if (a.getName().isEmpty()) {
        throw RaidvmException.invalidArgument("%s has no name: give the md device, e.g. md0",
            where);
      }
      ArrayNames.require(a.getName());
      if (a.getLevel().isEmpty()) {
        throw RaidvmException.invalidArgument("array %s has no level: give one of %s",
            a.getName(), String.join(", ", RaidLevel.names()));
      }
      RaidLevel level = RaidLevel.parse(a.getLevel());
      a.setLevel(level.toString());
      List<String> disks = diskIds(a.getName(), "disks", a.getDisksList());
      List<String> spares = diskIds(a.getName(), "spares", a.getSparesList());
      a.clearDisks().addAllDisks(disks).clearSpares().addAllSpares(spares);
      for (String d : concat(disks, spares)) {
        highest = Math.max(highest, number(d));
      }
      a.setChunkKib(chunkKib(level, a.getChunkKib()));
      a.setMetadata(metadata(a.getMetadata()));
      a.setBitmap(bitmap(level, a.getBitmap()));
      b.setArrays(i, a);
    }
    if (b.getDiskCount() == 0) {
      b.setDiskCount(highest);
    }
    for (int i = 0; i < b.getFilesystemsCount(); i++) {
      ProvisionFilesystem.Builder f = b.getFilesystems(i).toBuilder();
      if (f.getArray().isEmpty()) {
        throw RaidvmException.invalidArgument("filesystems[%d] names no array: give the name of"
            + " one of the spec's arrays", i);
      }
      if (f.getType().isEmpty()) {
        f.setType(FilesystemTypes.EXT4);
      }
      if (f.getMountPoint().isEmpty()) {
        f.setMountPoint("/mnt/" + f.getArray());
      }
      b.setFilesystems(i, f);
    }
  }

  /** The howto's chunk, 512 KiB, for a level that has one and none given. */
  private static int chunkKib(RaidLevel level, int given) {
    return given == 0 && level.hasChunk() ? 512 : given;
  }

  /** The howto's superblock, 1.0 (at the end of each member), when none is given. */
  private static String metadata(String given) {
    return given.isEmpty() ? "1.0" : given;
  }

  /** An internal bitmap for a level with redundancy, none for raid0, when none is given. */
  private static Bitmap bitmap(RaidLevel level, Bitmap given) {
    if (given != Bitmap.BITMAP_UNSPECIFIED) {
      return given;
    }
    return level.redundant() ? Bitmap.BITMAP_INTERNAL : Bitmap.BITMAP_NONE;
  }

  /** "d3" and "3" as "d3"; INVALID_ARGUMENT for anything else. */
  private static List<String> diskIds(String array, String field, List<String> given) {
    List<String> out = new ArrayList<>();
    for (String d : given) {
      Matcher m = DISK.matcher(d);
      if (!m.matches() || Integer.parseInt(m.group(1)) == 0) {
        throw RaidvmException.invalidArgument("array %s: %s '%s' is not a data disk: give d1 …"
            + " dN or 1 … N", array, field, d);
      }
      out.add("d" + Integer.parseInt(m.group(1)));
    }
    return out;
  }

  private static int number(String diskId) {
    return Integer.parseInt(diskId.substring(1));
  }

  /** The spec's arrays in its order; the shorthand's one over all disks. */
  public static List<ProvisionArray> arrays(ProvisionSpec spec) {
    if (spec.getArraysCount() > 0) {
      return spec.getArraysList();
    }
    return List.of(ProvisionArray.newBuilder()
        .setName(spec.getArray())
        .setLevel(spec.getLevel())
        .addAllDisks(IntStream.rangeClosed(1, spec.getDiskCount()).mapToObj(i -> "d" + i)
            .toList())
        .setChunkKib(spec.getChunkKib())
        .setMetadata(spec.getMetadata())
        .setBitmap(spec.getBitmap())
        .build());
  }

  /** The spec's filesystems in its order; the shorthand's one on its array. */
  public static List<ProvisionFilesystem> filesystems(ProvisionSpec spec) {
    if (spec.getArraysCount() > 0) {
      return spec.getFilesystemsList();
    }
    return List.of(ProvisionFilesystem.newBuilder().setArray(spec.getArray())
        .setType(spec.getFilesystem()).setMountPoint(spec.getMountPoint()).build());
  }

  /**
   * A filesystem's fstab options: its mount options and nofail (a data array that does not come
   * back must not hold the boot in emergency mode: the VM's agent would never answer); empty
   * for none, which the agent reads as "defaults,nofail,discard".
   */
  static String fstabOptions(ProvisionFilesystem fs) {
    if (fs.getMountOptionsCount() == 0) {
      return "";
    }
    List<String> options = new ArrayList<>(fs.getMountOptionsList());
    if (!options.contains("nofail")) {
      options.add("nofail");
    }
    return String.join(",", options);
  }

  /** The data disks' names: "<vm>-d1" … "<vm>-dN" (the guest sees them as serials). */
  public static List<String> diskNames(ProvisionSpec spec) {
    return IntStream.rangeClosed(1, spec.getDiskCount())
        .mapToObj(i -> spec.getVm() + "-d" + i).toList();
  }

  /** The data disks the arrays use, members and spares, as {@link #diskNames} names them. */
  public static List<String> usedDiskNames(ProvisionSpec spec) {
    return arrays(spec).stream().flatMap(a -> concat(a.getDisksList(), a.getSparesList())
        .stream()).sorted((x, y) -> Integer.compare(number(x), number(y)))
        .map(d -> spec.getVm() + "-" + d).toList();
  }

  /** The data disks an array's members (then spares) are on, as {@link #diskNames} names them. */
  static List<String> diskNames(ProvisionSpec spec, ProvisionArray array) {
    return concat(array.getDisksList(), array.getSparesList()).stream()
        .map(d -> spec.getVm() + "-" + d).toList();
  }

  /** The create request an array step sends: each disk's first partition, by serial. */
  public static CreateArrayRequest createArray(ProvisionSpec spec, ProvisionArray array) {
    return CreateArrayRequest.newBuilder()
        .setArray(array.getName())
        .setLevel(array.getLevel())
        .setChunkKib(array.getChunkKib())
        .setLayout(array.getLayout())
        .setMetadata(array.getMetadata())
        .setBitmap(array.getBitmap())
        .addAllDevices(array.getDisksList().stream()
            .map(d -> spec.getVm() + "-" + d + "-part1").toList())
        .addAllSpares(array.getSparesList().stream()
            .map(d -> spec.getVm() + "-" + d + "-part1").toList())
        .build();
  }

  /**
   * What an array built on disks of {@code diskBytes} will hold at least: its data members'
   * share of each partition (the disk less 1 MiB before the partition, md's superblock and data
   * offset — up to a thousandth of the member, and 2 MiB — and one chunk of rounding). An
   * estimate on the safe side; mkfs judges the real device.
   */
  static long usableBytes(ProvisionArray array, long diskBytes) {
    long member = diskBytes - (3L << 20) - diskBytes / 1024 - array.getChunkKib() * 1024L;
    int n = array.getDisksCount();
    RaidLevel level = RaidLevel.parse(array.getLevel());
    return switch (level) {
      case RAID0 -> member * n;
      case RAID1 -> member;
      case RAID4, RAID5 -> member * (n - 1);
      case RAID6 -> member * (n - 2);
      case RAID10 -> member * n / raid10Copies(array.getLayout());
    };
  }

  /** raid10's copies of each chunk from a layout as create takes it; mdadm's default is n2. */
  private static int raid10Copies(String layout) {
    Matcher m = RAID10_COPIES.matcher(layout);
    return m.matches() ? Integer.parseInt(m.group(1)) : 2;
  }

  private static void check(String vm, ProvisionSpec spec) {
    if (spec.getDiskCount() > MAX_DISKS) {
      throw RaidvmException.invalidArgument("%d data disks is too many: give 1 to %d",
          spec.getDiskCount(), MAX_DISKS);
    }
    Names.requireNewDisk(diskNames(spec).get(spec.getDiskCount() - 1));
    long size = DiskSizes.parse(spec.getDiskSize());
    if (size < MIN_DISK_BYTES || size > MAX_DISK_BYTES) {
      throw RaidvmException.invalidArgument("disk size %s is not valid: give 16M to 16T",
          spec.getDiskSize());
    }
    checkArrays(spec, size);
    checkFilesystems(spec, size);
    if (spec.getVerifyByReboot() && !spec.getPersist()) {
      throw RaidvmException.invalidArgument("verify by reboot needs persist: without mdadm.conf"
          + " and fstab nothing would bring %s back after the reboot of VM %s",
          describe(filesystems(spec)), vm);
    }
    long speed = spec.getSyncSpeedMaxKibPerS();
    if (speed != 0 && speed < MIN_SYNC_SPEED_KIB) {
      throw RaidvmException.invalidArgument("sync speed limit %d KiB/s is too low: give at least"
          + " %d KiB/s, or 0 for the system's limit", speed, MIN_SYNC_SPEED_KIB);
    }
  }

  /** Names unique, disks known and each in one array once, each array's settings valid. */
  private static void checkArrays(ProvisionSpec spec, long diskBytes) {
    Map<String, String> diskUser = new HashMap<>();
    Map<String, Boolean> names = new HashMap<>();
    for (ProvisionArray a : arrays(spec)) {
      if (names.put(a.getName(), true) != null) {
        throw RaidvmException.invalidArgument("two arrays are named %s: give each its own md"
            + " device", a.getName());
      }
      for (String d : concat(a.getDisksList(), a.getSparesList())) {
        if (number(d) > spec.getDiskCount()) {
          throw RaidvmException.invalidArgument("array %s names disk %s, but the spec has %d data"
              + " disks (d1 … d%d): raise disk_count or name another disk", a.getName(), d,
              spec.getDiskCount(), spec.getDiskCount());
        }
        String user = diskUser.put(d, a.getName());
        if (user != null) {
          throw RaidvmException.invalidArgument("disk %s is named twice (%s): a data disk"
              + " serves one array once", d, user.equals(a.getName()) ? "in array " + user
              : "in arrays " + user + " and " + a.getName());
        }
      }
      try {
        ArraySpec.of(createArray(spec, a));
      } catch (RaidvmException e) {
        throw RaidvmException.invalidArgument("array %s: %s", a.getName(), e.getMessage());
      }
    }
  }

  /** Each on an array of the spec, one per array and mount point, of a type that fits. */
  private static void checkFilesystems(ProvisionSpec spec, long diskBytes) {
    Map<String, ProvisionArray> arrays = new HashMap<>();
    arrays(spec).forEach(a -> arrays.put(a.getName(), a));
    Map<String, String> onArray = new HashMap<>();
    Map<String, String> atMountPoint = new HashMap<>();
    for (ProvisionFilesystem f : filesystems(spec)) {
      ProvisionArray a = arrays.get(f.getArray());
      if (a == null) {
        throw RaidvmException.invalidArgument("a filesystem is on array %s, which the spec does"
            + " not list: give one of %s", f.getArray(), String.join(", ", arrays.keySet()));
      }
      if (onArray.put(f.getArray(), f.getMountPoint()) != null) {
        throw RaidvmException.invalidArgument("two filesystems are on array %s: give each array"
            + " at most one", f.getArray());
      }
      FilesystemTypes.require(f.getType());
      MountPoint.requireMountable(f.getMountPoint());
      String other = atMountPoint.put(f.getMountPoint(), f.getArray());
      if (other != null) {
        throw RaidvmException.invalidArgument("arrays %s and %s are both to be mounted on %s:"
            + " give each filesystem its own mount point", other, f.getArray(),
            f.getMountPoint());
      }
      MountOptions.require(f.getMountOptionsList());
      long usable = usableBytes(a, diskBytes);
      if (f.getType().equals(FilesystemTypes.XFS) && usable < FilesystemTypes.XFS_MIN_BYTES) {
        throw RaidvmException.invalidArgument("array %s (%s of %d × %s disks) holds about %s,"
            + " too small for xfs: mkfs.xfs refuses filesystems under %s. Give larger disks"
            + " (disk_size), more members, or ext4", a.getName(), a.getLevel(),
            a.getDisksCount(), spec.getDiskSize(), Sizes.human(Math.max(0, usable)),
            Sizes.human(FilesystemTypes.XFS_MIN_BYTES));
      }
    }
  }

  private static String describe(List<ProvisionFilesystem> filesystems) {
    return String.join(", ", filesystems.stream()
        .map(f -> f.getArray() + " at " + f.getMountPoint()).toList());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
