package io.raidvm.controller.disk;

import io.raidvm.common.Names;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/** Data disks: qcow2 files in the state directory, named like VMs. */
public final class DiskManager {

  private static final Logger LOG = Logger.getLogger(DiskManager.class.getName());

  private final DiskFolder folder;
  private final QemuImg qemuImg;
  private final DiskUsage usage;
  private final DiskSizes sizes;

  public DiskManager(DiskFolder folder, QemuImg qemuImg, DiskUsage usage, FreeSpace freeSpace) {
    this.folder = folder;
    this.qemuImg = qemuImg;
    this.usage = usage;
    this.sizes = new DiskSizes(freeSpace);
  }

  /** {@link #create(String, String, boolean)} within the free space. */
  public DiskInfo create(String name, String size) {
    return create(name, size, false);
  }

  /**
   * Makes an empty qcow2 disk. INVALID_ARGUMENT for a name or size {@link Names} and
   * {@link DiskSizes} refuse (a size beyond the free space only without
   * {@code allowOvercommit}) and for a size qemu-img refuses.
   */
  public synchronized DiskInfo create(String name, String size, boolean allowOvercommit) {
    Names.requireNewDisk(name);
    long bytes = sizes.require(size, folder.dir(), allowOvercommit);
    Path path = folder.pathOf(name);
    if (Files.exists(path)) {
      throw RaidvmException.alreadyExists("disk '%s' already exists (%s)", name, path);
    }
    try {
      Files.createDirectories(folder.dir());
    } catch (IOException e) {
      throw RaidvmException.internal("cannot create " + folder.dir() + ": " + e.getMessage(), e);
    }
    Path partial = folder.partialPathOf(name);
    try {
      qemuImg.create(partial, bytes);
    } catch (RuntimeException e) {
      deleteQuietly(partial);
      throw e;
    }
    AtomicFiles.publish(partial, path);
    return describe(name, path);
  }

  /** Removes what creations cut short by a crash left behind; for the controller's start. */
  public void removeLeftovers() {
    for (Path leftover : folder.leftovers()) {
      LOG.warning(() -> "removing " + leftover + ": a disk creation that did not finish");
      deleteQuietly(leftover);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warning(() -> "cannot remove " + file + ": " + e.getMessage());
    }
  }

  public DiskInfo get(String name) {
    return describe(name, folder.existing(name));
  }

  public List<DiskInfo> list() {
    return folder.names().stream().map(this::get).toList();
  }

  public synchronized void delete(String name) {
    Path path = folder.existing(name);
    List<String> running = usage.runningVmsListing(name);
    if (!running.isEmpty()) {
      throw RaidvmException.failedPrecondition("disk '%s' is in use by running VM(s) %s: stop"
          + " them first", name, String.join(", ", running));
    }
    try {
      Files.delete(path);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot delete " + path + ": " + e.getMessage(), e);
    }
  }

  private DiskInfo describe(String name, Path path) {
    ImageInfo info = qemuImg.info(path);
    return new DiskInfo(name, path, info.format(), info.virtualSize(), info.actualSize(),
        usage.vmsListing(name), name);
  }
}
