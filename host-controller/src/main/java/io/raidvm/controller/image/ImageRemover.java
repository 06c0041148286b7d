package io.raidvm.controller.image;

import io.raidvm.api.controller.v1.DeleteImageResponse;
import io.raidvm.api.controller.v1.Image;
import io.raidvm.api.controller.v1.KeptImage;
import io.raidvm.api.controller.v1.PruneImagesResponse;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Deletes images and rootfs tarballs from the image directory, never an image that a VM's OS disk
 * reads through to. The caller makes sure that no build runs meanwhile.
 */
final class ImageRemover {

  private final ImageStore store;
  private final ImageUsage usage;

  ImageRemover(ImageStore store, ImageUsage usage) {
    this.store = store;
    this.usage = usage;
  }

  /** Deletes the image with this id unless a VM uses it. */
  DeleteImageResponse delete(String id) {
    if (!CacheKeys.KEY.matcher(id).matches()) {
      throw RaidvmException.invalidArgument("'%s' is not an image id: give the 16 hex digits"
          + " that `raidctl image list` shows", id);
    }
    Image image = store.find(id).orElseThrow(() -> RaidvmException.notFound(
        "no image with id %s in %s: see `raidctl image list`", id, store.dir()));
    List<String> users = vmsByImage().getOrDefault(canonical(store.image(id)), List.of());
    if (!users.isEmpty()) {
      throw RaidvmException.failedPrecondition("image %s is under the OS disk of VM(s) %s:"
          + " delete them first (raidctl vm delete NAME)", id, String.join(", ", users));
    }
    return DeleteImageResponse.newBuilder()
        .setDeleted(image)
        .setFreedBytes(remove(store.files(id), false))
        .build();
  }

  /**
   * Deletes every image that is neither {@code currentId} nor under a VM's OS disk, and every
   * rootfs tarball but {@code currentRootfsKey}'s; with {@code dryRun} only says so.
   */
  PruneImagesResponse prune(String currentId, String currentRootfsKey, boolean dryRun) {
    Map<Path, List<String>> vmsByImage = vmsByImage();
    PruneImagesResponse.Builder result = PruneImagesResponse.newBuilder();
    long freed = 0;
    for (Image image : store.list()) {
      boolean current = image.getId().equals(currentId);
      List<String> users = vmsByImage.getOrDefault(canonical(store.image(image.getId())),
          List.of());
      if (current || !users.isEmpty()) {
        result.addKept(KeptImage.newBuilder().setImage(image).setCurrent(current)
            .addAllUsedBy(users));
      } else {
        freed += remove(store.files(image.getId()), dryRun);
        result.addDeleted(image);
      }
    }
    Path currentTarball = store.rootfs(currentRootfsKey);
    for (Path tarball : store.rootfsTarballs()) {
      if (!tarball.equals(currentTarball)) {
        freed += remove(List.of(tarball), dryRun);
        result.addDeletedRootfs(tarball.toString());
      }
    }
    return result.setFreedBytes(freed).build();
  }

  /** The VMs on each image file, sorted, by the image's real path. */
  private Map<Path, List<String>> vmsByImage() {
    Map<Path, List<String>> byImage = new HashMap<>();
    new TreeMap<>(usage.backingFiles()).forEach((vm, backing) ->
        byImage.computeIfAbsent(canonical(backing), b -> new ArrayList<>()).add(vm));
    return byImage;
  }

  /** The real path where the file exists (the image directory may be reached by a link). */
  private static Path canonical(Path file) {
    try {
      return file.toRealPath();
    } catch (IOException e) {
      return file.toAbsolutePath().normalize();
    }
  }

  /** Deletes the files in order, unless {@code dryRun}; returns the bytes they took. */
  private static long remove(List<Path> files, boolean dryRun) {
    long bytes = 0;
    for (Path file : files) {
      try {
        bytes += Files.size(file);
        if (!dryRun) {
          Files.delete(file);
        }
      } catch (IOException e) {
        throw RaidvmException.internal((dryRun ? "cannot read the size of " : "cannot delete ")
            + file + ": " + e.getMessage(), e);
      }
    }
    return bytes;
  }
}
