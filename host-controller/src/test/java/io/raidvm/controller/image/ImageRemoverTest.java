package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.controller.v1.DeleteImageResponse;
import io.raidvm.api.controller.v1.Image;
import io.raidvm.api.controller.v1.KeptImage;
import io.raidvm.api.controller.v1.PruneImagesResponse;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.controller.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageRemoverTest {

  private static final String CURRENT = "cccccccccccccccc";
  private static final String USED = "aaaaaaaaaaaaaaaa";
  private static final String OLD = "0000000000000001";
  private static final String OLDER = "0000000000000002";
  private static final String ROOTFS_NOW = "1111111111111111";
  private static final String ROOTFS_OLD = "2222222222222222";

  @TempDir Path tmp;
  private Path imageDir;
  private final Map<String, Path> backings = new HashMap<>();
  private Image current;
  private Image used;
  private Image old;
  private Image older;

  @BeforeEach
  void setUp() throws IOException {
    imageDir = tmp.resolve("images");
    older = Planted.image(imageDir, OLDER, 100, "older image");
    old = Planted.image(imageDir, OLD, 200, "old image");
    used = Planted.image(imageDir, USED, 300, "image of vm1 and vm2");
    current = Planted.image(imageDir, CURRENT, 400, "current image");
    Planted.rootfs(imageDir, ROOTFS_NOW, "current tarball");
    Planted.rootfs(imageDir, ROOTFS_OLD, "old tarball!");
    backings.put("vm2", imageDir.resolve(USED + ".qcow2"));
    backings.put("vm1", imageDir.resolve("rootfs/../" + USED + ".qcow2"));
  }

  private ImageRemover remover() {
    return new ImageRemover(new ImageStore(imageDir), () -> backings);
  }

  private PruneImagesResponse prune(boolean dryRun) {
    return remover().prune(CURRENT, ROOTFS_NOW, dryRun);
  }

  private static long size(Image image) {
    return image.getActualSizeBytes() + metadataBytes(image);
  }

  private static long metadataBytes(Image image) {
    try {
      return Files.size(Path.of(image.getPath().replace(".qcow2", ".textproto")));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void prune_deletesWhatNeitherTheCurrentBuildNorAVmUses_andSaysWhyTheRestStays()
      throws IOException {
    long freed = size(old) + size(older) + "old tarball!".length();

    PruneImagesResponse r = prune(false);

    assertEquals(List.of(old, older), r.getDeletedList());
    assertEquals(List.of(imageDir.resolve("rootfs/" + ROOTFS_OLD + ".tar").toString()),
        r.getDeletedRootfsList());
    assertEquals(freed, r.getFreedBytes());
    assertEquals(List.of(
        KeptImage.newBuilder().setImage(current).setCurrent(true).build(),
        KeptImage.newBuilder().setImage(used).addUsedBy("vm1").addUsedBy("vm2").build()),
        r.getKeptList());
    assertEquals(List.of(USED + ".qcow2", USED + ".textproto", CURRENT + ".qcow2",
        CURRENT + ".textproto", "rootfs", "rootfs/" + ROOTFS_NOW + ".tar"), files());
  }

  @Test
  void prune_dryRun_deletesNothing_butSaysTheSame() throws IOException {
    List<String> before = files();

    PruneImagesResponse dry = prune(true);

    assertEquals(before, files());
    assertEquals(prune(false), dry);
  }

  @Test
  void prune_leavesAloneWhatIsNotACompleteImageOrATarball() throws IOException {
    Files.writeString(imageDir.resolve("0000000000000003.qcow2"), "no metadata yet");
    Files.writeString(imageDir.resolve("mine.qcow2"), "a user's own image");
    Files.createDirectories(imageDir.resolve(".build-0000000000000004-1/mnt"));
    Files.writeString(imageDir.resolve("rootfs/notes.txt"), "a user's notes");

    prune(false);

    assertTrue(files().containsAll(List.of("0000000000000003.qcow2", "mine.qcow2",
        ".build-0000000000000004-1", ".build-0000000000000004-1/mnt", "rootfs/notes.txt")),
        files().toString());
  }

  @Test
  void prune_seesAVmThroughALinkToTheImageDirectory() throws IOException {
    Path link = Files.createSymbolicLink(tmp.resolve("images-link"), imageDir);
    backings.clear();
    backings.put("vm3", link.resolve(OLD + ".qcow2"));

    PruneImagesResponse r = prune(false);

    assertEquals(List.of("vm3"), r.getKept(1).getUsedByList());
    assertEquals(OLD, r.getKept(1).getImage().getId());
  }

  @Test
  void prune_whenTheVmsCannotBeRead_deletesNothing() throws IOException {
    List<String> before = files();
    ImageRemover remover = new ImageRemover(new ImageStore(imageDir), () -> {
      throw RaidvmException.failedPrecondition("cannot tell which image VM 'vm1' boots from");
    });

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> remover.prune(CURRENT, ROOTFS_NOW, false));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals(before, files());
  }

  @Test
  void prune_ofAnEmptyOrMissingDirectory_deletesNothing() {
    PruneImagesResponse r = new ImageRemover(new ImageStore(tmp.resolve("none")), Map::of)
        .prune(CURRENT, ROOTFS_NOW, false);

    assertEquals(PruneImagesResponse.getDefaultInstance(), r);
  }

  @Test
  void delete_removesTheImageAndItsMetadata_evenTheCurrentOne() throws IOException {
    long freed = size(current);

    DeleteImageResponse r = remover().delete(CURRENT);

    assertEquals(current, r.getDeleted());
    assertEquals(freed, r.getFreedBytes());
    assertTrue(files().stream().noneMatch(f -> f.startsWith(CURRENT)), files().toString());
  }

  @Test
  void delete_anImageUnderAVmsOsDisk_isRefusedNamingTheVms() throws IOException {
    List<String> before = files();

    RaidvmException e = assertThrows(RaidvmException.class, () -> remover().delete(USED));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("image aaaaaaaaaaaaaaaa is under the OS disk of VM(s) vm1, vm2: delete them"
        + " first (raidctl vm delete NAME)", e.getMessage());
    assertEquals(before, files());
  }

  @Test
  void delete_unknownId_isNotFound_andAnythingElse_isInvalid() throws IOException {
    List<String> before = files();

    RaidvmException unknown = assertThrows(RaidvmException.class,
        () -> remover().delete("0123456789abcdef"));
    assertEquals(RaidvmException.Kind.NOT_FOUND, unknown.kind());
    assertTrue(unknown.getMessage().contains("raidctl image list"), unknown.getMessage());
    for (String bad : List.of("", "0000000000001", "0000000000000001.qcow2", "AAAAAAAAAAAAAAAA",
        "../images/0000000000000001", "rootfs/" + ROOTFS_OLD)) {
      RaidvmException e = assertThrows(RaidvmException.class, () -> remover().delete(bad), bad);
      assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind(), bad);
    }
    assertEquals(before, files());
  }

  /** Every file and folder under the image directory, relative, sorted. */
  private List<String> files() throws IOException {
    return Fixtures.filesUnder(imageDir).stream()
        .map(p -> imageDir.relativize(p).toString()).sorted().toList();
  }
}
