package io.raidvm.controller.drill;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.Member;
import io.raidvm.api.controller.v1.DrillRequest;
import io.raidvm.api.controller.v1.FaultKind;
import io.raidvm.common.Names;
import io.raidvm.common.Sizes;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.md.ArrayNames;
import io.raidvm.common.md.RaidLevel;
import io.raidvm.common.md.SyncStates;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a drill will do, decided before it does anything: which disk is pulled (and which second
 * one), what replaces it, where the files go. Pure: it reads the request, the array and the
 * guest's block devices, and refuses what a drill must not touch — a drill that starts on a sick
 * array, or pulls the OS disk, would report md's state from before it, not the fault's.
 */
record DrillPlan(String vm, String array, RaidLevel level, FaultKind fault, String disk,
    String member,
    String memberRef, String secondDisk, String newDisk, String directory, int fileCount, long fileSize,
    long rebuildSpeedMax) {

  static final int DEFAULT_FILES = 3;
  static final int MAX_FILES = 64;
  static final long DEFAULT_FILE_SIZE = 8L << 20;
  static final long MAX_FILE_SIZE = 1L << 30;
  /** md's floor for a speed limit. */
  static final long MIN_SPEED = 1000;
  /** Where the files go, under the array's mount point. */
  static final String DIRECTORY = "raidvm-drill";

  /** Checks what needs no guest: INVALID_ARGUMENT for a request that cannot be a drill. */
  static DrillRequest checkRequest(DrillRequest r) {
    Names.require("VM", r.getVm());
    ArrayNames.require(r.getArray());
    if (fault(r) != FaultKind.PULL && fault(r) != FaultKind.CORRUPT) {
      throw RaidvmException.invalidArgument("a drill's fault is pull or corrupt, not %s",
          r.getFault());
    }
    if (fault(r) == FaultKind.CORRUPT && r.getSecondFault()) {
      throw RaidvmException.invalidArgument("a second fault is a second pull during the"
          + " rebuild: a corruption drill has no rebuild (drop second_fault)");
    }
    if (!r.getDisk().isEmpty()) {
      requireDataDiskName(r.getDisk());
    }
    if (!r.getNewDisk().isEmpty()) {
      Names.requireNewDisk(r.getNewDisk());
    }
    if (r.getFileCount() > MAX_FILES) {
      throw RaidvmException.invalidArgument("file_count %d is more than %d", r.getFileCount(),
          MAX_FILES);
    }
    if (r.getFileSizeBytes() > MAX_FILE_SIZE) {
      throw RaidvmException.invalidArgument("file_size_bytes %d is more than 1 GiB",
          r.getFileSizeBytes());
    }
    if (r.getRebuildSpeedMaxKibPerS() != 0 && r.getRebuildSpeedMaxKibPerS() < MIN_SPEED) {
      throw RaidvmException.invalidArgument("rebuild_speed_max_kib_per_s %d is below md's floor"
          + " of %d KiB/s (0 leaves the array's limit)", r.getRebuildSpeedMaxKibPerS(),
          MIN_SPEED);
    }
    return r;
  }

  /** The request's fault, PULL when unset. */
  private static FaultKind fault(DrillRequest r) {
    return r.getFault() == FaultKind.FAULT_KIND_UNSPECIFIED ? FaultKind.PULL : r.getFault();
  }

  private static void requireDataDiskName(String disk) {
    Names.require("disk", disk);
    if (disk.equals("os")) {
      throw RaidvmException.invalidArgument("a drill never faults the OS disk: name a data disk"
          + " that holds a member of the array");
    }
  }

  /**
   * The plan for a request that passed {@link #checkRequest}, from the array and the guest's
   * block devices.
   */
  static DrillPlan of(DrillRequest r, Array a, List<BlockDevice> devices) {
    String where = String.format("array %s in VM %s", r.getArray(), r.getVm());
    RaidLevel level = a.getLevel().isEmpty() ? null : RaidLevel.parse(a.getLevel());
    if (level == null || !level.redundant()) {
      throw RaidvmException.failedPrecondition("%s is %s: a drill needs a redundant array"
          + " (raid1, 4, 5, 6, 10)", where, level == null ? "inactive" : level);
    }
    if (a.getDegraded() > 0 || a.getFailedDevices() > 0 || SyncStates.running(a.getSync())
        || !List.of("clean", "active").contains(a.getArrayState())) {
      throw RaidvmException.failedPrecondition("%s is not healthy and idle (%s): a drill starts"
          + " from a whole array — let its sync finish, or replace the failed member first"
          + " (raidctl raid replace %s %s DEVICE)", where, a.getSummary(), r.getVm(),
          r.getArray());
    }
    List<Holder> holders = memberDisks(a, devices);
    Holder pulled = r.getDisk().isEmpty() ? holders.get(holders.size() - 1)
        : holders.stream().filter(h -> h.disk().equals(r.getDisk())).findFirst()
            .orElseThrow(() -> notAMember(r, where, devices, holders));
    String secondDisk = "";
    if (r.getSecondFault()) {
      secondDisk = holders.stream().filter(h -> h != pulled).map(Holder::disk)
          .findFirst().orElseThrow();
    }
    String newDisk = r.getNewDisk().isEmpty() ? defaultNewDisk(pulled.disk())
        : r.getNewDisk();
    String mountPoint = mountPoint(r, devices).orElseThrow(() ->
        RaidvmException.failedPrecondition("%s has no mounted filesystem: the drill writes its"
            + " test files into it (raidctl fs mkfs %s %s, then raidctl fs mount %s %s"
            + " /mnt/%s)", where, r.getVm(), r.getArray(), r.getVm(), r.getArray(),
            r.getArray()));
    int files = r.getFileCount() == 0 ? DEFAULT_FILES : r.getFileCount();
    long size = r.getFileSizeBytes() == 0 ? DEFAULT_FILE_SIZE : r.getFileSizeBytes();
    return new DrillPlan(r.getVm(), ArrayNames.require(r.getArray()), level, fault(r),
        pulled.disk(), pulled.member(), memberRef(pulled), secondDisk, newDisk,
        mountPoint.replaceAll("/$", "") + "/" + DIRECTORY, files, size,
        r.getRebuildSpeedMaxKibPerS());
  }

  /**
   * The member by its disk's name ("d3-part1"): once the disk is pulled its kernel name may come
   * back on the new disk, its serial does not.
   */
  private static String memberRef(Holder h) {
    return h.disk() + "-part" + h.member().replaceAll("^.*?([0-9]+)$", "$1");
  }

  /** The array's mount point, where {@link #directory} is. */
  String mountPoint() {
    return directory.substring(0, directory.length() - DIRECTORY.length() - 1);
  }

  /** FAILED_PRECONDITION when the files do not fit into {@code freeBytes}. */
  void requireRoom(long freeBytes) {
    if (fileCount * fileSize > freeBytes) {
      throw RaidvmException.failedPrecondition("the filesystem of array %s in VM %s has %s"
          + " free, the drill's %d files need %s: ask for fewer or smaller files", array, vm,
          Sizes.human(freeBytes), fileCount, Sizes.human(fileCount * fileSize));
    }
  }

  /** "&lt;disk&gt;-drill", cut to fit a serial. */
  static String defaultNewDisk(String disk) {
    String suffix = "-drill";
    return disk.substring(0, Math.min(disk.length(), Names.MAX_DISK_CHARS - suffix.length()))
        + suffix;
  }

  /** A member of the array and the data disk (by name) it is a partition of. */
  private record Holder(String disk, String member) {}

  /**
   * The data disks that hold the array's members, in the array's member order;
   * FAILED_PRECONDITION when a member is not on such a disk (a drill pulls whole disks, and only
   * the controller's).
   */
  private static List<Holder> memberDisks(Array a, List<BlockDevice> devices) {
    List<Holder> out = new ArrayList<>();
    for (Member m : a.getMembersList()) {
      BlockDevice disk = devices.stream().filter(d -> d.getPartitionsList().stream()
          .anyMatch(p -> p.getPath().equals(m.getDevice()))).findFirst().orElseThrow(() ->
          RaidvmException.failedPrecondition("member %s of %s is not a partition of a disk the"
              + " guest lists: a drill pulls a member's whole disk", m.getDevice(),
              a.getName()));
      if (disk.getOsDisk() || disk.getSerial().isEmpty()) {
        throw RaidvmException.failedPrecondition("member %s of %s is on %s, which is not a"
            + " data disk of the controller's: a drill pulls only those", m.getDevice(),
            a.getName(), disk.getOsDisk() ? "the OS disk" : disk.getPath());
      }
      out.add(new Holder(disk.getSerial(), m.getDevice()));
    }
    return out;
  }

  private static RaidvmException notAMember(DrillRequest r, String where,
      List<BlockDevice> devices, List<Holder> holders) {
    List<String> names = holders.stream().map(Holder::disk).toList();
    boolean os = devices.stream().anyMatch(d -> d.getOsDisk()
        && d.getSerial().equals(r.getDisk()));
    return RaidvmException.invalidArgument("disk '%s' %s: name a disk that holds a member of"
        + " %s (%s)", r.getDisk(), os ? "is the OS disk" : "holds no member of it", where,
        String.join(", ", names));
  }

  private static Optional<String> mountPoint(DrillRequest r, List<BlockDevice> devices) {
    return devices.stream().filter(d -> d.getName().equals(ArrayNames.require(r.getArray())))
        .flatMap(d -> d.getMountPointsList().stream()).findFirst();
  }
}
