package io.raidvm.controller.provision;

import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.common.Names;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.fs.MountPoint;
import io.raidvm.common.md.ArrayNames;
import io.raidvm.common.md.ArraySpec;
import io.raidvm.common.md.RaidLevel;
import io.raidvm.controller.disk.DiskSizes;
import io.raidvm.controller.vm.VmSpecs;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Provision specs: the howto's values for what is unset, and every check that can be made
 * before anything exists. Pure.
 */
public final class ProvisionSpecs {

  static final int MAX_DISKS = 16;
  static final long MIN_DISK_BYTES = 16L << 20;
  static final long MAX_DISK_BYTES = 16L << 40;
  static final long MIN_SYNC_SPEED_KIB = 1000;

  private ProvisionSpecs() {}

  /** The spec with every default filled in, or INVALID_ARGUMENT naming the first bad field. */
  public static ProvisionSpec complete(ProvisionSpec in) {
    ProvisionSpec.Builder b = in.toBuilder();
    String vm = Names.requireNewVm(in.getVm());
    b.setMemoryMib(VmSpecs.memoryMib(b.getMemoryMib()));
    b.setVcpus(VmSpecs.vcpus(b.getVcpus()));
    if (b.getDiskCount() == 0) {
      b.setDiskCount(4);
    }
    if (b.getDiskSize().isEmpty()) {
      b.setDiskSize("3G");
    }
    b.setArray(ArrayNames.require(b.getArray().isEmpty() ? "md127" : b.getArray()));
    RaidLevel level = RaidLevel.parse(b.getLevel().isEmpty() ? "raid5" : b.getLevel());
    b.setLevel(level.toString());
    if (b.getChunkKib() == 0 && level.hasChunk()) {
      b.setChunkKib(512);
    }
    if (b.getMetadata().isEmpty()) {
      b.setMetadata("1.0");
    }
    if (b.getBitmap() == Bitmap.BITMAP_UNSPECIFIED) {
      b.setBitmap(level.redundant() ? Bitmap.BITMAP_INTERNAL : Bitmap.BITMAP_NONE);
    }
    if (b.getFilesystem().isEmpty()) {
      b.setFilesystem("ext4");
    }
    if (b.getMountPoint().isEmpty()) {
      b.setMountPoint("/mnt/" + b.getArray());
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

  /** The data disks' names: "<vm>-d1" … "<vm>-dN" (the guest sees them as serials). */
  public static List<String> diskNames(ProvisionSpec spec) {
    return IntStream.rangeClosed(1, spec.getDiskCount())
        .mapToObj(i -> spec.getVm() + "-d" + i).toList();
  }

  /** The array's members: the first partition of each data disk, by serial. */
  public static List<String> members(ProvisionSpec spec) {
    return diskNames(spec).stream().map(d -> d + "-part1").toList();
  }

  /** The create request the array step sends. */
  public static CreateArrayRequest createArray(ProvisionSpec spec) {
    return CreateArrayRequest.newBuilder()
        .setArray(spec.getArray())
        .setLevel(spec.getLevel())
        .setChunkKib(spec.getChunkKib())
        .setMetadata(spec.getMetadata())
        .setBitmap(spec.getBitmap())
        .addAllDevices(members(spec))
        .build();
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
    ArraySpec.of(createArray(spec));
    if (!spec.getFilesystem().equals("ext4")) {
      throw RaidvmException.invalidArgument("filesystem '%s' is not supported: only ext4",
          spec.getFilesystem());
    }
    MountPoint.requireMountable(spec.getMountPoint());
    if (spec.getVerifyByReboot() && !spec.getPersist()) {
      throw RaidvmException.invalidArgument("verify by reboot needs persist: without mdadm.conf"
          + " and fstab nothing would bring %s back at %s after the reboot of VM %s",
          spec.getArray(), spec.getMountPoint(), vm);
    }
    long speed = spec.getSyncSpeedMaxKibPerS();
    if (speed != 0 && speed < MIN_SYNC_SPEED_KIB) {
      throw RaidvmException.invalidArgument("sync speed limit %d KiB/s is too low: give at least"
          + " %d KiB/s, or 0 for the system's limit", speed, MIN_SYNC_SPEED_KIB);
    }
  }
}
