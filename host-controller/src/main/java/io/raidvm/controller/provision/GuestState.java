package io.raidvm.controller.provision;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.Member;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.api.controller.v1.ProvisionArray;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.common.Sizes;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.md.SyncStates;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Reading a guest's block devices and arrays against a spec. Pure. */
final class GuestState {

  private GuestState() {}

  /** The data disk the controller named {@code serial}. */
  static Optional<BlockDevice> bySerial(List<BlockDevice> devices, String serial) {
    return devices.stream().filter(d -> d.getSerial().equals(serial)).findFirst();
  }

  /**
   * Device paths of an array's members and spares ("/dev/sdb1" …), for the disks that have a
   * partition.
   */
  static List<String> memberPaths(ProvisionSpec spec, ProvisionArray array,
      List<BlockDevice> devices) {
    return ProvisionSpecs.diskNames(spec, array).stream()
        .flatMap(disk -> bySerial(devices, disk).stream())
        .filter(d -> d.getPartitionsCount() > 0)
        .map(d -> d.getPartitions(0).getPath())
        .toList();
  }

  /** How an existing array differs from the spec's, one phrase per difference. */
  static List<String> differences(ProvisionArray spec, Array a, List<String> memberPaths) {
    List<String> out = new ArrayList<>();
    if (!a.getLevel().equals(spec.getLevel())) {
      out.add(String.format("it is %s, the spec says %s",
          a.getLevel().isEmpty() ? "inactive" : a.getLevel(), spec.getLevel()));
    }
    if (a.getRaidDevices() != spec.getDisksCount()) {
      out.add(String.format("it has %d devices, the spec says %d", a.getRaidDevices(),
          spec.getDisksCount()));
    }
    if (spec.getChunkKib() != 0 && a.getChunkKib() != spec.getChunkKib()) {
      out.add(String.format("its chunk is %d KiB, the spec says %d KiB", a.getChunkKib(),
          spec.getChunkKib()));
    }
    String layout = layoutAsShown(spec.getLevel(), spec.getLayout());
    if (!layout.isEmpty() && !a.getLayout().equals(layout)) {
      out.add(String.format("its layout is %s, the spec says %s", a.getLayout(),
          spec.getLayout()));
    }
    if (!a.getMetadata().equals(spec.getMetadata())) {
      out.add(String.format("its metadata is %s, the spec says %s", a.getMetadata(),
          spec.getMetadata()));
    }
    Set<String> have = new TreeSet<>(a.getMembersList().stream().map(Member::getDevice).toList());
    Set<String> want = new TreeSet<>(memberPaths);
    if (!have.equals(want)) {
      out.add(String.format("its members are %s, the spec's disks give %s", have, want));
    }
    return out;
  }

  /**
   * A layout as create takes it, in the words an array shows it: raid10's "n2", "f2", "o2" are
   * "near=2", "far=2", "offset=2" (as mdadm --detail says them); the others as they are.
   */
  static String layoutAsShown(String level, String layout) {
    if (!level.equals("raid10") || layout.isEmpty()) {
      return layout;
    }
    String kind = switch (layout.charAt(0)) {
      case 'n' -> "near";
      case 'f' -> "far";
      default -> "offset";
    };
    return kind + "=" + layout.substring(1);
  }

  /** Refuses members that already belong to another array. */
  static void requireFreeMembers(ProvisionSpec spec, ProvisionArray array,
      List<BlockDevice> devices) {
    List<String> taken = new ArrayList<>();
    for (String disk : ProvisionSpecs.diskNames(spec, array)) {
      bySerial(devices, disk).stream()
          .flatMap(d -> Stream.concat(Stream.of(d), d.getPartitionsList().stream()))
          .filter(d -> d.getMdMemberOfCount() > 0)
          .forEach(d -> taken.add(d.getPath() + " (" + disk + ") is in "
              + String.join(", ", d.getMdMemberOfList())));
    }
    if (!taken.isEmpty()) {
      throw RaidvmException.failedPrecondition("cannot create %s: %s. provision never takes a"
          + " member from another array: stop that array or change the spec", array.getName(),
          String.join("; ", taken));
    }
  }

  /** A sync, rebuild, reshape or scrub runs or waits to run. */
  static boolean syncing(Array a) {
    return SyncStates.running(a.getSync());
  }

  static Progress progressOf(Array a) {
    return Progress.newBuilder()
        .setPhase(a.getSync().getAction())
        .setPercent(a.getSync().getPercent())
        .setDone(a.getSync().getDoneSectors())
        .setTotal(a.getSync().getTotalSectors())
        .setUnit("sectors")
        .setSpeedKibPerS(a.getSync().getSpeedKibPerS())
        .setEtaSeconds(a.getSync().getEtaSeconds())
        .build();
  }

  /** Another device mounted on {@code mountPoint}, if any. */
  static Optional<BlockDevice> mountedOn(List<BlockDevice> devices, String mountPoint) {
    return devices.stream()
        .flatMap(d -> Stream.concat(Stream.of(d), d.getPartitionsList().stream()))
        .filter(d -> d.getMountPointsList().contains(mountPoint))
        .findFirst();
  }

  static String describe(Array a) {
    return String.format("%s, %d devices, %s%s, metadata %s, %s, uuid %s", a.getLevel(),
        a.getRaidDevices(), Sizes.human(a.getSizeBytes()),
        a.getChunkKib() == 0 ? "" : ", chunk " + a.getChunkKib() + "K", a.getMetadata(),
        String.join(" ", a.getStatesList()), a.getUuid());
  }

  /**
   * Why a whole disk without partitions must not be partitioned by provision: it holds a
   * filesystem or an md superblock, is mounted, or is held by another device. Empty when blank.
   */
  static Optional<String> whyNotBlank(BlockDevice disk) {
    if (disk.getOsDisk()) {
      return Optional.of("is the OS disk");
    }
    if (!disk.getMountPointsList().isEmpty()) {
      return Optional.of("is mounted on " + String.join(", ", disk.getMountPointsList()));
    }
    if (!disk.getHoldersList().isEmpty()) {
      return Optional.of("is held by " + String.join(", ", disk.getHoldersList()));
    }
    if (!disk.getFsType().isEmpty()) {
      return Optional.of("holds " + disk.getFsType());
    }
    return Optional.empty();
  }
}
