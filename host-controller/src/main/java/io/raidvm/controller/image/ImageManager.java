package io.raidvm.controller.image;

import com.google.protobuf.Timestamp;
import io.raidvm.api.controller.v1.BuildImageRequest;
import io.raidvm.api.controller.v1.BuildProgress;
import io.raidvm.api.controller.v1.DeleteImageResponse;
import io.raidvm.api.controller.v1.Image;
import io.raidvm.api.controller.v1.PruneImagesResponse;
import io.raidvm.common.OsRelease;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Builds, caches, lists, finds and deletes guest images. Two cache levels, both content-addressed:
 * the rootfs tarball (suite, packages, recipe) and the bootable image (rootfs, agent jar, guest
 * files, recipe). One build runs at a time, and nothing is deleted meanwhile; a cancelled or
 * failed build leaves nothing half made. A build whose process died (a killed controller) leaves
 * its folder, loop device and mount behind with a {@link BuildRecord}: they are cleaned up at the
 * controller's start and before each build ({@link #cleanDeadBuilds}).
 */
public final class ImageManager {

  private static final Logger LOG = Logger.getLogger(ImageManager.class.getName());

  private static final Pattern SUITE = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  private final ImageStore store;
  private final Path aptDir;
  private final AgentJar agent;
  private final GuestFiles guestFiles;
  private final RootfsBuilder rootfsBuilder;
  private final DiskAssembler diskAssembler;
  private final ImageRemover remover;
  private final DeadBuilds deadBuilds;
  private final BuildOwner self;
  private final Clock clock;
  private final ReentrantLock building = new ReentrantLock();

  /**
   * @param imageDir where images and their caches live
   * @param aptDir the host's apt configuration ({@code /etc/apt}), which names the mirror; the
   *     {@code os-release} beside it names the host's own suite, whose mirror serves the others
   * @param agent the guest agent to install, usually {@link AgentJar#bundled()}
   * @param usage which VMs boot from which image: those images are never deleted
   */
  public ImageManager(Path imageDir, CommandRunner runner, Path aptDir, AgentJar agent,
      ImageUsage usage) {
    this(imageDir, runner, aptDir, agent, usage, DiskAssembler.MBR_BIN, Clock.systemUTC(),
        BuildOwner.self());
  }

  ImageManager(Path imageDir, CommandRunner runner, Path aptDir, AgentJar agent,
      ImageUsage usage, Path mbrBin, Clock clock, BuildOwner self) {
    this.store = new ImageStore(imageDir);
    this.aptDir = aptDir;
    this.agent = agent;
    this.guestFiles = GuestFiles.bundled();
    this.rootfsBuilder = new RootfsBuilder(runner);
    this.diskAssembler = new DiskAssembler(runner, guestFiles, agent, mbrBin);
    this.remover = new ImageRemover(store, usage);
    this.deadBuilds = new DeadBuilds(store, runner);
    this.self = self;
    this.clock = clock;
  }

  /**
   * The image for the request's inputs: from the cache unless {@code rebuild} is set, else built
   * (rootfs from its own cache where possible), reporting each step to {@code progress}.
   */
  public Image build(BuildImageRequest request, Consumer<BuildProgress> progress) {
    String suite = suite(request.getSuite());
    List<String> packages = ExtraPackages.withRecipe(request.getExtraPackagesList());
    Consumer<BuildProgress> report = serialized(progress);
    try {
      building.lockInterruptibly();
    } catch (InterruptedException e) {
      throw RaidvmException.interrupted("waiting for another image build", e);
    }
    try {
      cleanDeadBuildsLocked().forEach(line -> report.accept(Progress.of("cleanup", line)));
      String rootfsKey = rootfsKey(suite, packages);
      String id = imageId(rootfsKey);
      Optional<Image> cached = store.find(id);
      if (cached.isPresent() && !request.getRebuild()) {
        report.accept(Progress.cached("image", "image " + id + " is up to date: "
            + cached.get().getPath()));
        return cached.get();
      }
      if (cached.isPresent()) {
        // A rebuild replaces the image only when no VM boots from it (delete refuses then).
        remover.delete(id);
        report.accept(Progress.of("image", "rebuild: deleted image " + id + " first"));
      }
      Path rootfs = rootfs(suite, packages, rootfsKey, request.getRebuild(), report);
      Image image = assemble(id, suite, rootfs, report);
      report.accept(Progress.of("image", "built image " + id + ": " + image.getPath()));
      return image;
    } finally {
      building.unlock();
    }
  }

  /**
   * Cleans up after the builds in the image directory whose process died, and logs what it did
   * (for the controller's start; each build does it too). Another process's live build is left
   * alone; so is everything while a build of this controller runs (that build cleaned up before
   * it began).
   */
  public void cleanDeadBuilds() {
    if (!building.tryLock()) {
      return;
    }
    try {
      for (String line : cleanDeadBuildsLocked()) {
        LOG.info(line);
      }
    } finally {
      building.unlock();
    }
  }

  /**
   * With the build lock held no build of this process runs, so a folder of this process is a
   * leftover of one that failed to clean up (say, a mount that was busy).
   */
  private List<String> cleanDeadBuildsLocked() {
    try {
      return deadBuilds.clean(owner -> !owner.equals(self) && owner.alive());
    } catch (RuntimeException e) {
      return List.of("could not clean up after dead image builds in " + store.dir() + ": "
          + e.getMessage());
    }
  }

  /** Every complete image in the image directory, newest first. */
  public List<Image> list() {
    return store.list();
  }

  /**
   * The image file a VM should boot from: empty means the image for the current inputs (it must
   * have been built); otherwise an image id or a path inside the image directory.
   */
  public Path resolve(String imageRef) {
    if (imageRef == null || imageRef.isEmpty()) {
      String id = imageId(rootfsKey(Recipe.DEFAULT_SUITE));
      if (store.find(id).isEmpty()) {
        throw RaidvmException.failedPrecondition("no image has been built for the current inputs"
            + " (suite %s, agent %s; image id %s): run `raidctl image build` first",
            Recipe.DEFAULT_SUITE, agent.version(), id);
      }
      return store.image(id);
    }
    return store.resolve(imageRef);
  }

  /** Deletes one image that no VM boots from: see ImageService.DeleteImage in the proto. */
  public DeleteImageResponse delete(String id) {
    return unlessBuilding(() -> remover.delete(id));
  }

  /**
   * Deletes the images and rootfs tarballs that neither the current build (default suite) nor a
   * VM uses; with {@code dryRun} only says what it would delete. See ImageService.PruneImages.
   */
  public PruneImagesResponse prune(boolean dryRun) {
    return unlessBuilding(() -> {
      String rootfsKey = rootfsKey(Recipe.DEFAULT_SUITE);
      return remover.prune(imageId(rootfsKey), rootfsKey, dryRun);
    });
  }

  private <T> T unlessBuilding(Supplier<T> removal) {
    if (!building.tryLock()) {
      throw RaidvmException.failedPrecondition("an image build is running: delete images when"
          + " it has finished");
    }
    try {
      return removal.get();
    } finally {
      building.unlock();
    }
  }

  private Path rootfs(String suite, List<String> packages, String key, boolean rebuild,
      Consumer<BuildProgress> report) {
    Path tarball = store.rootfs(key);
    if (Files.isRegularFile(tarball) && !rebuild) {
      report.accept(Progress.cached("rootfs", "rootfs " + key + " is up to date: " + tarball));
      return tarball;
    }
    String mirror = AptSources.mirrorFor(suite, hostSuite(), AptSources.read(aptDir));
    report.accept(Progress.of("rootfs", "mmdebstrap " + suite + " from " + mirror));
    Path work = store.newWorkDir(key, self).workDir();
    try {
      Path partial = work.resolve("rootfs.tar");
      rootfsBuilder.build(suite, packages, mirror, partial,
          line -> report.accept(Progress.of("rootfs", line)));
      store.commit(partial, tarball);
      return tarball;
    } finally {
      removeWorkDir(work, report);
    }
  }

  private Image assemble(String id, String suite, Path rootfs, Consumer<BuildProgress> report) {
    BuildRecord record = store.newWorkDir(id, self);
    Path work = record.workDir();
    try {
      Path partial = work.resolve("image.qcow2");
      diskAssembler.assemble(rootfs, record, partial, report);
      if (!store.commitImage(partial, store.image(id))) {
        // Its metadata says the same but for the time: writing ours too is harmless, and the
        // image is complete even if the other build has not written its own yet.
        report.accept(Progress.of("image", "image " + id + " was built meanwhile by another"
            + " build; that one stays (an image in place is never replaced)"));
      }
      Instant now = clock.instant();
      store.saveMetadata(Image.newBuilder()
          .setId(id)
          .setSuite(suite)
          .setAgentVersion(agent.version())
          .setVirtualSizeBytes(Recipe.DISK_SIZE_BYTES)
          .setCreatedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond())
              .setNanos(now.getNano()))
          .build());
      return store.find(id).orElseThrow(() -> RaidvmException.internal(
          "image " + id + " vanished right after it was built", null));
    } finally {
      removeWorkDir(work, report);
    }
  }

  private void removeWorkDir(Path work, Consumer<BuildProgress> report) {
    if (!store.deleteWorkDir(work)) {
      report.accept(Progress.of("cleanup", "could not remove the build folder " + work
          + " (is something still mounted there?)"));
    }
  }

  /**
   * The host's Debian release name from {@code os-release} beside the apt directory ({@code
   * /etc}); empty when there is none or the host is no Debian (an Ubuntu archive serves no
   * Debian suite). Only a fallback for finding a mirror, so never an error.
   */
  private String hostSuite() {
    Path osRelease = aptDir.resolveSibling("os-release");
    try {
      OsRelease host = OsRelease.parse(Files.readString(osRelease));
      return host.id().equals("debian") ? host.versionCodename() : "";
    } catch (IOException e) {
      LOG.fine(() -> "no host release name from " + osRelease + ": " + e.getMessage());
      return "";
    }
  }

  private String rootfsKey(String suite) {
    return rootfsKey(suite, Recipe.PACKAGES);
  }

  private String rootfsKey(String suite, List<String> packages) {
    return CacheKeys.rootfs(Recipe.VERSION, suite, packages);
  }

  private String imageId(String rootfsKey) {
    return CacheKeys.image(Recipe.VERSION, rootfsKey, agent.sha256(), BootConfig.KERNEL_OPTIONS,
        guestFiles.cacheKeyInputs());
  }

  private static String suite(String requested) {
    if (requested.isEmpty()) {
      return Recipe.DEFAULT_SUITE;
    }
    if (!SUITE.matcher(requested).matches()) {
      throw RaidvmException.invalidArgument("suite '%s' is not a Debian suite name such as %s",
          requested, Recipe.DEFAULT_SUITE);
    }
    return requested;
  }

  /** Tools print on two threads (stdout and stderr); the caller sees one report at a time. */
  private static Consumer<BuildProgress> serialized(Consumer<BuildProgress> progress) {
    Object lock = new Object();
    return p -> {
      synchronized (lock) {
        progress.accept(p);
      }
    };
  }
}
