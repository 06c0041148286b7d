package io.raidvm.controller.vm;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.controller.disk.ImageInfo;
import io.raidvm.controller.disk.QemuImg;
import io.raidvm.controller.image.ImageUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** The image under each VM's OS disk: the backing file that {@code qemu-img info} reports. */
public final class OsDiskBackings implements ImageUsage {

  private final VmStore store;
  private final QemuImg qemuImg;

  public OsDiskBackings(VmStore store, QemuImg qemuImg) {
    this.store = store;
    this.qemuImg = qemuImg;
  }

  /**
   * {@inheritDoc} A VM without an OS disk file is left out; one whose OS disk qemu-img cannot
   * read fails the whole answer with FAILED_PRECONDITION naming it.
   */
  @Override
  public Map<String, Path> backingFiles() {
    Map<String, Path> backings = new TreeMap<>();
    for (String vm : store.names()) {
      Path osDisk = store.paths(vm).osDisk();
      if (!Files.exists(osDisk)) {
        continue;
      }
      ImageInfo info;
      try {
        info = qemuImg.info(osDisk);
      } catch (RaidvmException e) {
        throw RaidvmException.failedPrecondition("cannot tell which image VM '%s' boots from,"
            + " so no image is deleted: %s", vm, e.getMessage());
      }
      if (info.backingFile() != null) {
        backings.put(vm, Path.of(info.backingFile()));
      }
    }
    return backings;
  }
}
