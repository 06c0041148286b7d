package io.raidvm.controller.image;

import com.google.protobuf.TextFormat;
import io.raidvm.api.controller.v1.Image;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.fs.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The image directory:
 * <pre>
 *   &lt;id&gt;.qcow2            a bootable image, named by the hash of its inputs
 *   &lt;id&gt;.textproto        its metadata (an Image message), written after the image
 *   rootfs/&lt;key&gt;.tar      mmdebstrap's tarball, named by the hash of its inputs
 *   .build-&lt;id&gt;-&lt;n&gt;/       a build in progress: its {@link BuildRecord}, raw disk, mount point,
 *                          qcow2 before its rename
 * </pre>
 * An image exists once both of its files do; everything is renamed into place, never written there.
 * Deleting an image removes its image file first, then its metadata.
 */
final class ImageStore {

  private static final String IMAGE = ".qcow2";
  private static final String METADATA = ".textproto";
  private static final String ROOTFS = "rootfs";
  private static final String TAR = ".tar";
  private static final String WORK_DIR = ".build-";
  private static final Pattern TARBALL = Pattern.compile(CacheKeys.KEY.pattern() + "\\" + TAR);

  private final Path dir;

  ImageStore(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  Path dir() {
    return dir;
  }

  Path image(String id) {
    return dir.resolve(id + IMAGE);
  }

  Path rootfs(String key) {
    return dir.resolve(ROOTFS).resolve(key + TAR);
  }

  /** The files of the image with this id, in the order they are deleted. */
  List<Path> files(String id) {
    return List.of(image(id), metadata(id));
  }

  private Path metadata(String id) {
    return dir.resolve(id + METADATA);
  }

  /** Every rootfs tarball in the cache ({@code rootfs/<key>.tar}), sorted. */
  List<Path> rootfsTarballs() {
    Path folder = dir.resolve(ROOTFS);
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> TARBALL.matcher(p.getFileName().toString()).matches())
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot list " + folder + ": " + e.getMessage(), e);
    }
  }

  /** The image with this id, with its path and size, if it is complete. */
  Optional<Image> find(String id) {
    Path image = image(id);
    Path metadata = metadata(id);
    if (!Files.isRegularFile(image) || !Files.isRegularFile(metadata)) {
      return Optional.empty();
    }
    try {
      Image.Builder b = Image.newBuilder();
      TextFormat.getParser().merge(Files.readString(metadata, StandardCharsets.UTF_8), b);
      return Optional.of(b.setPath(image.toString()).setActualSizeBytes(Files.size(image)).build());
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read image metadata " + metadata + ": "
          + e.getMessage(), e);
    }
  }

  /** Every complete image, newest first. */
  List<Image> list() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(METADATA) && !n.startsWith("."))
          .map(n -> n.substring(0, n.length() - METADATA.length()))
          .map(this::find)
          .flatMap(Optional::stream)
          .sorted(Comparator.comparing((Image i) -> i.getCreatedAt().getSeconds()).reversed())
          .toList();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * A fresh folder in the image directory for one build's intermediate files, with the record of
   * its build by {@code owner} in it before anything else.
   */
  BuildRecord newWorkDir(String id, BuildOwner owner) {
    Path work;
    try {
      Files.createDirectories(dir);
      work = Files.createTempDirectory(dir, WORK_DIR + id + "-");
    } catch (IOException e) {
      throw RaidvmException.internal("cannot create a build folder in " + dir + ": "
          + e.getMessage(), e);
    }
    return BuildRecord.create(work, owner);
  }

  /** Every build folder in the image directory, live or left by a dead build, sorted. */
  List<Path> workDirs() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(WORK_DIR))
          .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Renames a finished file into place (atomically: readers see no file or the whole file). */
  void commit(Path finished, Path target) {
    try {
      Files.createDirectories(target.getParent());
      try {
        Files.move(finished, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(finished, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw RaidvmException.internal("cannot move " + finished + " to " + target + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Puts a finished image in place unless one of that id already is (a hard link: atomic, and it
   * never replaces). An image file in place is never replaced: VMs' OS disks are overlays on it by
   * path, and a running QEMU keeps the old file open, so the next start would read the new
   * image's blocks under the old overlay's (seen: two controllers sharing the image directory
   * built the same id at once, and a VM of the first one no longer booted after a power cut).
   * Returns whether {@code finished} went in; when not, the image already there stays.
   */
  boolean commitImage(Path finished, Path target) {
    try {
      Files.createDirectories(target.getParent());
      Files.createLink(target, finished);
      Files.delete(finished);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw RaidvmException.internal("cannot link " + finished + " to " + target + ": "
          + e.getMessage(), e);
    }
  }

  /** Writes the image's metadata; the image file must already be in place. */
  void saveMetadata(Image image) {
    Image stored = image.toBuilder().clearPath().clearActualSizeBytes().build();
    AtomicFiles.write(metadata(image.getId()),
        TextFormat.printer().printToString(stored));
  }

  /**
   * Removes a build folder and the files left in it, its build record last; a folder inside that
   * is not empty (still mounted on) is left alone, and the record with it, so that a later
   * clean-up ({@link DeadBuilds}) finds what stayed. Says whether everything went.
   */
  boolean deleteWorkDir(Path work) {
    Path record = work.resolve(BuildRecord.FILE);
    try (Stream<Path> files = Files.list(work)) {
      for (Path p : files.toList()) {
        if (!p.equals(record)) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(record);
      return Files.deleteIfExists(work);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The image file named by {@code ref}: an image id, or a path to an image inside the image
   * directory (relative paths are taken from it). Creates nothing.
   */
  Path resolve(String ref) {
    if (CacheKeys.KEY.matcher(ref).matches()) {
      if (find(ref).isEmpty()) {
        throw RaidvmException.notFound("no image with id %s in %s: see `raidctl image list`",
            ref, dir);
      }
      return image(ref);
    }
    Path path;
    try {
      path = dir.resolve(ref).normalize();
    } catch (InvalidPathException e) {
      throw RaidvmException.invalidArgument("image '%s' is neither an image id nor a path: %s",
          ref, e.getMessage());
    }
    if (!path.startsWith(dir) || path.equals(dir)) {
      throw RaidvmException.invalidArgument("image path %s is outside the image directory %s",
          path, dir);
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      throw RaidvmException.notFound("no image at %s", path);
    }
    try {
      if (!path.toRealPath().startsWith(dir.toRealPath())) {
        throw RaidvmException.invalidArgument("image path %s leads outside the image directory %s",
            path, dir);
      }
    } catch (IOException e) {
      throw RaidvmException.notFound("no image at %s: %s", path, e.getMessage());
    }
    String name = path.getFileName().toString();
    if (!Files.isRegularFile(path) || !name.endsWith(IMAGE) || name.startsWith(".")) {
      throw RaidvmException.invalidArgument("%s is not an image: give an image id or the path of"
          + " a .qcow2 image in %s", path, dir);
    }
    return path;
  }
}
