package io.raidvm.agent.fs;

import io.raidvm.common.fs.MountPoint;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.api.agent.v1.MountedFilesystem;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** A mounted filesystem's size and use, as statvfs(2) reports them (what df shows). */
public final class Usage {

  private final DeviceResolver resolver;
  private final MountTable table;
  private final Path root;

  public Usage(DeviceResolver resolver, MountTable table, Path root) {
    this.resolver = resolver;
    this.table = table;
    this.root = root;
  }

  /** {@code target} is a mount point or a device; FAILED_PRECONDITION when it is not mounted. */
  public MountedFilesystem get(String target) {
    if (target != null && target.startsWith("/") && !target.startsWith("/dev/")) {
      String mountPoint = MountPoint.requireWellFormed(target);
      return describe(table.at(mountPoint).orElseThrow(() -> RaidvmException.failedPrecondition(
          "nothing is mounted on %s", mountPoint)));
    }
    var dev = resolver.resolve(target);
    return describe(table.of(dev).stream().findFirst().orElseThrow(
        () -> RaidvmException.failedPrecondition("%s is not mounted", dev.describe())));
  }

  /** The mount with its sizes now; used bytes are those not free, as df counts them. */
  MountedFilesystem describe(Mount mount) {
    Path path = root.resolve(mount.mountPoint().substring(1));
    try {
      FileStore store = Files.getFileStore(path);
      return MountedFilesystem.newBuilder()
          .setDevice(mount.source())
          .setMountPoint(mount.mountPoint())
          .setType(mount.fsType())
          .addAllOptions(mount.options())
          .setSizeBytes(store.getTotalSpace())
          .setUsedBytes(store.getTotalSpace() - store.getUnallocatedSpace())
          .setAvailableBytes(store.getUsableSpace())
          .build();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read the usage of " + mount.mountPoint() + ": "
          + e.getMessage(), e);
    }
  }
}
