package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.process.FakeCommandRunner;
import io.raidvm.controller.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clean-up after dead builds, against the host tables captured with a build's leftovers
 * (fixtures/build-leftovers): its mount with a mount inside, its loop device and an unlinked one
 * of its own, and another program's loop device.
 */
class DeadBuildsTest {

  /** Where the capture's build folder was; the tests put theirs in their own image directory. */
  private static final String CAPTURED_IMAGES = "/tmp/raidvm-capture/images";
  private static final String FOLDER = ".build-4ff5878888823e46-8123456789";
  private static final BuildOwner DEAD = new BuildOwner(4242, Instant.parse(
      "2026-12-01T18:03:04.120Z"));

  @TempDir Path tmp;
  private Path images;
  private Path work;
  private FakeCommandRunner runner;

  @BeforeEach
  void setUp() throws IOException {
    images = tmp.resolve("images");
    work = images.resolve(FOLDER);
    Files.createDirectories(work.resolve("mnt/proc"));
    Files.writeString(work.resolve("disk.raw"), "raw");
    Files.writeString(work.resolve("image.qcow2"), "half a qcow2");
    BuildRecord record = BuildRecord.create(work, DEAD);
    record.attaching(work.resolve("disk.raw"));
    record.attached("/dev/loop0", work.resolve("disk.raw"));
    record.mounting(work.resolve("mnt"));
    runner = new FakeCommandRunner()
        .answer(List.of("findmnt", "-J"), 0, captured("findmnt-J.json"), "")
        .answer(List.of("losetup", "-J"), 0, captured("losetup-J.json"), "")
        .on("umount", (c, lines) -> FakeCommandRunner.ok(c, ""))
        .on(List.of("losetup", "-d"), (c, lines) -> FakeCommandRunner.ok(c, ""));
  }

  private String captured(String name) throws IOException {
    return Fixtures.read("build-leftovers/" + name)
        .replace(CAPTURED_IMAGES, images.toRealPath().toString());
  }

  private List<String> clean(boolean live) {
    return new DeadBuilds(new ImageStore(images), runner).clean(owner -> live);
  }

  @Test
  void deadBuild_unmountsDeepestFirst_detachesOnlyLoopsOfItsFiles_andRemovesItsFolder()
      throws IOException {
    Path real = work.toRealPath();

    List<String> report = clean(false);

    assertEquals(List.of(
        List.of("findmnt", "-J"),
        List.of("umount", real.resolve("mnt/proc").toString()),
        List.of("umount", real.resolve("mnt").toString()),
        List.of("losetup", "-J"),
        List.of("losetup", "-d", "/dev/loop2"),
        List.of("losetup", "-d", "/dev/loop0")), runner.calls());
    assertFalse(Files.exists(work));
    assertEquals(List.of(), Fixtures.filesUnder(images));
    assertEquals(1, report.size(), report.toString());
    assertEquals("cleaned up after the image build in " + real + " (pid 4242, started"
        + " 2026-12-01T18:03:04.120Z, no longer runs): unmounted " + real + "/mnt/proc; unmounted "
        + real + "/mnt; detached /dev/loop2 (" + real + "/old.raw); detached /dev/loop0 (" + real
        + "/disk.raw); removed " + real + " (build-record, disk.raw, image.qcow2, mnt)",
        report.get(0));
  }

  @Test
  void liveBuild_isNotTouched() throws IOException {
    List<Path> before = Fixtures.filesUnder(images);

    List<String> report = clean(true);

    assertEquals(List.of(), report);
    assertEquals(List.of(), runner.calls());
    assertEquals(before, Fixtures.filesUnder(images));
  }

  @Test
  void busyMount_isUnmountedLazily_andTheFolderStillGoes() throws IOException {
    Path mnt = work.toRealPath().resolve("mnt");
    runner.answer(List.of("umount", mnt.toString()), 32, "",
        captured("umount-busy.stderr").replace(CAPTURED_IMAGES + "/", images.toRealPath() + "/"));

    List<String> report = clean(false);

    assertTrue(runner.calls().contains(List.of("umount", "--lazy", mnt.toString())),
        runner.calls().toString());
    assertTrue(report.get(0).contains("unmounted " + mnt + " lazily (umount: " + mnt
        + ": target is busy.)"), report.get(0));
    assertFalse(Files.exists(work));
  }

  @Test
  void mountThatStays_keepsTheFolderAndItsRecord_forTheNextCleanUp() throws IOException {
    Path mnt = work.toRealPath().resolve("mnt");
    runner.answer(List.of("umount", mnt.toString()), 32, "", "umount: target is busy.")
        .answer(List.of("umount", "--lazy", mnt.toString()), 32, "", "umount: no luck");

    List<String> report = clean(false);

    assertTrue(report.get(0).contains("could not unmount " + mnt + ": umount: no luck"),
        report.get(0));
    assertTrue(report.get(0).endsWith("kept the folder: something is still mounted in it"),
        report.get(0));
    assertEquals(DEAD, BuildRecord.read(work).orElseThrow().owner());
    assertTrue(Files.exists(work.resolve("disk.raw")));
  }

  @Test
  void folderWithoutRecord_isLeftAlone_andSaysSo() throws IOException {
    Files.delete(work.resolve(BuildRecord.FILE));

    List<String> report = clean(false);

    assertEquals(List.of("left the build folder " + work + " alone: it has no build record, so"
        + " whose it is cannot be known (remove it by hand when no build runs)"), report);
    assertEquals(List.of(), runner.calls());
    assertTrue(Files.exists(work.resolve("disk.raw")));
  }

  @Test
  void nothingLeft_runsNoTool() throws IOException {
    Files.walk(work).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());

    assertEquals(List.of(), clean(false));
    assertEquals(List.of(), runner.calls());
  }
}
