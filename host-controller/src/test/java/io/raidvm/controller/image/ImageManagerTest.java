package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.controller.v1.BuildImageRequest;
import io.raidvm.api.controller.v1.BuildProgress;
import io.raidvm.api.controller.v1.Image;
import io.raidvm.api.controller.v1.KeptImage;
import io.raidvm.api.controller.v1.PruneImagesResponse;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.ToolException;
import io.raidvm.common.process.FakeCommandRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageManagerTest {

  private static final String KERNEL = "6.1.0-9-amd64";
  private static final BuildImageRequest DEFAULT = BuildImageRequest.getDefaultInstance();

  @TempDir Path tmp;
  private Path imageDir;
  private Path guest;
  private AgentJar agent;
  private FakeCommandRunner runner;
  private final List<BuildProgress> progress = new ArrayList<>();
  private final Map<String, Path> backings = new HashMap<>();

  @BeforeEach
  void setUp() throws IOException {
    imageDir = tmp.resolve("images");
    guest = tmp.resolve("guest-after-umount");
    agent = AgentJar.from(agentJar(tmp.resolve("agent.jar")).toUri().toURL());
    runner = FakeCommandRunner.succeeding()
        .on("mmdebstrap", (c, lines) -> {
          lines.accept("I: fake mmdebstrap");
          Files.writeString(Path.of(c.argv().get(5)), "a rootfs tarball");
          return FakeCommandRunner.ok(c, "");
        })
        .on("losetup", (c, lines) -> FakeCommandRunner.ok(c,
            c.argv().contains("--show") ? "/dev/loop7\n" : ""))
        .on("tar", (c, lines) -> {
          unpackFakeRootfs(Path.of(c.argv().get(c.argv().indexOf("--directory") + 1)));
          return FakeCommandRunner.ok(c, "");
        })
        .on("umount", (c, lines) -> {
          Files.move(Path.of(c.argv().get(1)), guest);
          Files.createDirectory(Path.of(c.argv().get(1)));
          return FakeCommandRunner.ok(c, "");
        })
        .on("qemu-img", (c, lines) -> {
          Files.writeString(Path.of(c.argv().get(c.argv().size() - 1)), "qcow2");
          return FakeCommandRunner.ok(c, "");
        });
  }

  private ImageManager manager() throws IOException {
    Path mbr = tmp.resolve("mbr.bin");
    Files.write(mbr, new byte[440]);
    return new ImageManager(imageDir, runner, Path.of("src/test/resources/fixtures/apt/host"),
        agent, () -> backings, mbr,
        Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC), BuildOwner.self());
  }

  @Test
  void build_fromScratch_runsTheDiskRecipeInOrder() throws IOException {
    manager().build(DEFAULT, progress::add);

    assertEquals(List.of("mmdebstrap", "parted", "losetup", "mkfs.ext4", "mount", "tar",
        "unshare", "unshare", "extlinux", "umount", "losetup", "qemu-img"), runner.programs());
    List<String> mmdebstrap = runner.argvOf("mmdebstrap");
    assertEquals(List.of("mmdebstrap", "--variant=minbase", "--format=tar",
        "--include=" + String.join(",", Recipe.PACKAGES), "trixie"), mmdebstrap.subList(0, 5));
    assertEquals("http://mirror.example/debian", mmdebstrap.get(6));
    Path raw = Path.of(runner.argvOf("parted").get(2));
    assertEquals(List.of("parted", "-s", raw.toString(), "mklabel", "msdos", "mkpart", "primary",
        "ext4", "1MiB", "100%", "set", "1", "boot", "on"), runner.argvOf("parted"));
    assertEquals(List.of("losetup", "-f", "--show", "-o", "1048576", "--sizelimit",
        Long.toString((2L << 30) - (1L << 20)), raw.toString()), runner.calls().get(2));
    assertEquals(List.of("losetup", "-d", "/dev/loop7"), runner.calls().get(10));
    List<String> mkfs = runner.argvOf("mkfs.ext4");
    assertEquals("/dev/loop7", mkfs.get(mkfs.size() - 1));
    Path mnt = Path.of(runner.argvOf("mount").get(2));
    assertEquals(List.of("tar", "--extract", "--file",
        imageDir.resolve("rootfs").toString() + "/" + rootfsKey() + ".tar", "--directory",
        mnt.toString(), "--preserve-permissions", "--xattrs", "--xattrs-include=*",
        "--numeric-owner"), runner.argvOf("tar"));
    assertEquals(List.of("unshare", "--mount", "--pid", "--fork",
        "--mount-proc=" + mnt.resolve("proc"), "chroot", mnt.toString(), "/usr/bin/java"),
        runner.calls().get(6).subList(0, 8));
    assertTrue(runner.calls().get(6).contains(AgentClassData.TRAINING_CLASS));
    assertEquals(List.of("unshare", "--mount", "--pid", "--fork",
        "--mount-proc=" + mnt.resolve("proc"), "chroot", mnt.toString(),
        "/usr/sbin/update-initramfs", "-u", "-k", "all"), runner.calls().get(7));
    assertEquals(List.of("extlinux", "--install", mnt.resolve("boot/extlinux").toString()),
        runner.argvOf("extlinux"));
    assertEquals(List.of("qemu-img", "convert", "-O", "qcow2", raw.toString()),
        runner.argvOf("qemu-img").subList(0, 5));
  }

  @Test
  void build_fromScratch_installsTheAgentAndBootsTheRealKernelByUuid() throws IOException {
    manager().build(DEFAULT, progress::add);

    List<String> mkfs = runner.argvOf("mkfs.ext4");
    String uuid = mkfs.get(mkfs.indexOf("-U") + 1);
    assertEquals("UUID=" + uuid + " / ext4 errors=remount-ro 0 1\n",
        Files.readString(guest.resolve("etc/fstab")));
    String extlinux = Files.readString(guest.resolve("boot/extlinux/extlinux.conf"));
    assertTrue(extlinux.contains("LINUX /boot/vmlinuz-" + KERNEL + "\n"), extlinux);
    assertTrue(extlinux.contains("INITRD /boot/initrd.img-" + KERNEL + "\n"), extlinux);
    assertTrue(extlinux.contains("APPEND root=UUID=" + uuid
        + " ro console=ttyS0 panic=5 unknown_nmi_panic\n"), extlinux);
    assertTrue(Files.isRegularFile(guest.resolve("opt/raidvm/raidvm-agent.jar")));
    assertTrue(Files.isRegularFile(guest.resolve("etc/systemd/system/raidvm-agent.service")));
    assertTrue(Files.isRegularFile(guest.resolve("etc/udev/rules.d/99-raidvm-agent.rules")));
    assertEquals("raidvm\n", Files.readString(guest.resolve("etc/hostname")));
    assertFalse(Files.exists(guest.resolve("etc/resolv.conf")));
    assertTrue(Files.readString(guest.resolve("etc/shadow")).startsWith("root:!*:"));
    assertEquals("MODULES=list\nCOMPRESS=gzip\nCOMPRESSLEVEL=1\n",
        Files.readString(guest.resolve("etc/initramfs-tools/initramfs.conf")));
    assertTrue(Files.readString(guest.resolve("etc/initramfs-tools/modules"))
        .contains("\nvirtio_scsi\n"));
    assertEquals("RESUME=none\n",
        Files.readString(guest.resolve("etc/initramfs-tools/conf.d/raidvm")).lines()
            .filter(l -> !l.startsWith("#")).collect(Collectors.joining("\n", "", "\n")));
    for (String unit : GuestFiles.MASKED) {
      assertEquals(Path.of("/dev/null"),
          Files.readSymbolicLink(guest.resolve("etc/systemd/system/" + unit)), unit);
    }
    assertFalse(Files.exists(guest.resolve("etc/systemd/system/timers.target.wants/fstrim.timer"),
        LinkOption.NOFOLLOW_LINKS), "a masked unit's wants link goes");
    assertTrue(Files.readString(guest.resolve("etc/modprobe.d/raidvm.conf"))
        .contains("\nblacklist kvm_amd\n"));
    FileTime usr = Files.getLastModifiedTime(guest.resolve("usr"), LinkOption.NOFOLLOW_LINKS);
    for (String mark : List.of("etc/.updated", "var/.updated")) {
      assertTrue(Files.readString(guest.resolve(mark))
          .endsWith("\nTIMESTAMP_NSEC=" + usr.to(TimeUnit.NANOSECONDS) + "\n"), mark);
      assertEquals(usr, Files.getLastModifiedTime(guest.resolve(mark)), mark);
    }
    assertEquals(Path.of("/etc/systemd/system/raidvm-agent.service"), Files.readSymbolicLink(
        guest.resolve("etc/systemd/system/sysinit.target.wants/raidvm-agent.service")));
    assertEquals(Path.of("/etc/systemd/system/raidvm-agent-fallback.service"),
        Files.readSymbolicLink(guest.resolve(
            "etc/systemd/system/multi-user.target.wants/raidvm-agent-fallback.service")));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(
        guest.resolve("usr/share/initramfs-tools/hooks/dmsetup"))));
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(
        guest.resolve("usr/share/initramfs-tools/hooks/mdadm"))));
  }

  @Test
  void build_fromScratch_leavesImageMetadataAndRootfsCache_andNoWorkFiles() throws IOException {
    Image image = manager().build(DEFAULT, progress::add);

    assertEquals(imageDir.resolve(image.getId() + ".qcow2").toString(), image.getPath());
    assertEquals("trixie", image.getSuite());
    assertEquals("9.9-test", image.getAgentVersion());
    assertEquals(2L << 30, image.getVirtualSizeBytes());
    assertEquals(Instant.parse("2026-01-02T03:04:05Z").getEpochSecond(),
        image.getCreatedAt().getSeconds());
    assertEquals(List.of(image.getId() + ".qcow2", image.getId() + ".textproto", "rootfs"),
        names(imageDir));
    assertEquals(List.of(rootfsKey() + ".tar"), names(imageDir.resolve("rootfs")));
    assertEquals(List.of(image), manager().list());
    assertTrue(progress.stream().anyMatch(p -> p.getMessage().equals("I: fake mmdebstrap")));
  }

  @Test
  void build_again_returnsTheCachedImageWithoutRunningAnything() throws IOException {
    Image first = manager().build(DEFAULT, progress::add);
    runner.clearCalls();
    progress.clear();

    Image second = manager().build(DEFAULT, progress::add);

    assertEquals(first, second);
    assertEquals(List.of(), runner.calls());
    assertEquals(1, progress.size());
    assertTrue(progress.get(0).getCached(), progress.toString());
  }

  /**
   * Another controller sharing the image directory put the same image in place while this build
   * ran: that one stays (VMs' OS disks are overlays on it by path), this build's file goes.
   */
  @Test
  void build_whenAnotherBuildPutTheSameImageInPlaceMeanwhile_keepsThatOne() throws IOException {
    Image first = manager().build(DEFAULT, progress::add);
    Path image = Path.of(first.getPath());
    Files.delete(image);
    runner.on("qemu-img", (c, lines) -> {
      Files.writeString(Path.of(c.argv().get(c.argv().size() - 1)), "this build's qcow2");
      Files.writeString(image, "the other build's qcow2");
      return FakeCommandRunner.ok(c, "");
    });
    guest = tmp.resolve("guest-after-the-second-umount");
    progress.clear();

    Image second = manager().build(DEFAULT, progress::add);

    assertEquals(first.getId(), second.getId());
    assertEquals("the other build's qcow2", Files.readString(image));
    assertTrue(progress.stream().anyMatch(p -> p.getMessage().contains("never replaced")),
        progress.toString());
    assertEquals(List.of(first.getId() + ".qcow2", first.getId() + ".textproto", "rootfs"),
        names(imageDir), "no work files left");
  }

  @Test
  void rebuild_ofTheImageAVmBootsFrom_isRefused_andTheImageStays() throws IOException {
    Image built = manager().build(DEFAULT, progress::add);
    backings.put("vm1", Path.of(built.getPath()));
    runner.clearCalls();

    RaidvmException e = assertThrows(RaidvmException.class, () -> manager().build(
        BuildImageRequest.newBuilder().setRebuild(true).build(), progress::add));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().contains("vm1"), e.getMessage());
    assertEquals("qcow2", Files.readString(Path.of(built.getPath())));
    assertEquals(List.of(), runner.calls(), "nothing built");
  }

  @Test
  void rebuild_ofAnImageNoVmUses_buildsItAgain() throws IOException {
    Image built = manager().build(DEFAULT, progress::add);
    runner.on("qemu-img", (c, lines) -> {
      Files.writeString(Path.of(c.argv().get(c.argv().size() - 1)), "rebuilt qcow2");
      return FakeCommandRunner.ok(c, "");
    });
    guest = tmp.resolve("guest-after-the-second-umount");

    Image again = manager().build(BuildImageRequest.newBuilder().setRebuild(true).build(),
        progress::add);

    assertEquals(built.getId(), again.getId());
    assertEquals("rebuilt qcow2", Files.readString(Path.of(again.getPath())));
  }

  @Test
  void build_withCachedRootfsOnly_skipsMmdebstrapAndSaysSo() throws IOException {
    Files.createDirectories(imageDir.resolve("rootfs"));
    Files.writeString(imageDir.resolve("rootfs").resolve(rootfsKey() + ".tar"), "cached");

    manager().build(DEFAULT, progress::add);

    assertFalse(runner.programs().contains("mmdebstrap"));
    assertTrue(progress.stream().anyMatch(p -> p.getStep().equals("rootfs") && p.getCached()));
  }

  @Test
  void build_whenAStepFails_leavesNoImage_andReleasesMountAndLoopDevice() throws IOException {
    runner.on("extlinux", (c, lines) -> FakeCommandRunner.failed(c, 1, "boom"));

    ToolException e = assertThrows(ToolException.class,
        () -> manager().build(DEFAULT, progress::add));

    assertEquals("extlinux", e.tool());
    assertEquals(List.of("umount", "losetup"),
        runner.programs().subList(runner.programs().size() - 2, runner.programs().size()));
    assertEquals(List.of("rootfs"), names(imageDir));
  }

  @Test
  void build_withBadSuite_failsWithInvalidArgumentAndRunsNothing() throws IOException {
    RaidvmException e = assertThrows(RaidvmException.class, () -> manager().build(
        BuildImageRequest.newBuilder().setSuite("../etc").build(), progress::add));

    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void build_withExtraPackages_includesThem_andIsAnotherImageThanThePlainOne()
      throws IOException {
    ImageManager manager = manager();
    Image plain = manager.build(DEFAULT, progress::add);
    runner.clearCalls();
    guest = tmp.resolve("second-guest-after-umount");

    Image extra = manager.build(BuildImageRequest.newBuilder()
        .addExtraPackages("qemu-guest-agent").build(), progress::add);

    assertFalse(plain.getId().equals(extra.getId()), plain.getId() + " " + extra.getId());
    assertEquals("--include=" + String.join(",", Recipe.PACKAGES) + ",qemu-guest-agent",
        runner.argvOf("mmdebstrap").get(3));
    assertEquals(plain.getPath(), manager.resolve("").toString(),
        "the default image stays the plain one");
  }

  @Test
  void build_withABadExtraPackage_failsWithInvalidArgumentAndRunsNothing() throws IOException {
    for (String bad : List.of("a,b", "--root=/", "Qemu", "x", "mdadm=4.2", "a b")) {
      RaidvmException e = assertThrows(RaidvmException.class, () -> manager().build(
          BuildImageRequest.newBuilder().addExtraPackages(bad).build(), progress::add), bad);

      assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind(), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void resolve_empty_withoutABuiltImage_failsWithFailedPreconditionAndCreatesNothing()
      throws IOException {
    RaidvmException e = assertThrows(RaidvmException.class, () -> manager().resolve(""));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().contains("raidctl image build"), e.getMessage());
    assertFalse(Files.exists(imageDir));
  }

  @Test
  void resolve_emptyOrIdOrPathInside_findsTheBuiltImage() throws IOException {
    ImageManager manager = manager();
    Image image = manager.build(DEFAULT, progress::add);
    Path path = Path.of(image.getPath());

    assertEquals(path, manager.resolve(""));
    assertEquals(path, manager.resolve(image.getId()));
    assertEquals(path, manager.resolve(path.toString()));
    assertEquals(path, manager.resolve(image.getId() + ".qcow2"));
  }

  @Test
  void resolve_pathOutsideImageDir_failsWithInvalidArgumentAndCreatesNothing()
      throws IOException {
    ImageManager manager = manager();
    for (String ref : List.of("/etc/passwd", "../agent.jar", "x/../../mbr.bin",
        tmp.resolve("mbr.bin").toString())) {
      RaidvmException e = assertThrows(RaidvmException.class, () -> manager.resolve(ref), ref);
      assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind(), ref);
    }
    assertFalse(Files.exists(imageDir));
  }

  @Test
  void resolve_symlinkLeadingOutside_failsWithInvalidArgument() throws IOException {
    Files.createDirectories(imageDir);
    Files.createSymbolicLink(imageDir.resolve("escape.qcow2"), tmp.resolve("agent.jar"));

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> manager().resolve("escape.qcow2"));

    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
  }

  @Test
  void resolve_unknownIdOrMissingPath_failsWithNotFound() throws IOException {
    ImageManager manager = manager();
    for (String ref : List.of("0123456789abcdef", "missing.qcow2")) {
      RaidvmException e = assertThrows(RaidvmException.class, () -> manager.resolve(ref), ref);
      assertEquals(RaidvmException.Kind.NOT_FOUND, e.kind(), ref);
    }
  }

  @Test
  void prune_keepsTheImageTheCurrentBuildMakesAndItsRootfs_andTheOneAVmUses()
      throws IOException {
    ImageManager manager = manager();
    Image built = manager.build(DEFAULT, progress::add);
    Image old = Planted.image(imageDir, "0000000000000001", 1, "an earlier agent's image");
    Image vms = Planted.image(imageDir, "0000000000000002", 2, "a trixie image");
    Planted.rootfs(imageDir, "0000000000000003", "an earlier recipe's tarball");
    backings.put("vm1", Path.of(vms.getPath()));

    PruneImagesResponse r = manager.prune(false);

    assertEquals(List.of(old), r.getDeletedList());
    assertEquals(List.of(imageDir.resolve("rootfs/0000000000000003.tar").toString()),
        r.getDeletedRootfsList());
    assertEquals(List.of(KeptImage.newBuilder().setImage(built).setCurrent(true).build(),
        KeptImage.newBuilder().setImage(vms).addUsedBy("vm1").build()), r.getKeptList());
    assertEquals(List.of(rootfsKey() + ".tar"), names(imageDir.resolve("rootfs")));
    runner.clearCalls();
    assertEquals(built, manager.build(DEFAULT, progress::add));
    assertEquals(List.of(), runner.calls(), "the current image is still cached");
  }

  @Test
  void pruneOrDelete_whileABuildRuns_isRefused_andDeletesNothing() throws IOException {
    Image old = Planted.image(imageDir, "0000000000000001", 1, "an earlier agent's image");
    ImageManager manager = manager();
    List<Throwable> refusals = new ArrayList<>();
    runner.on("mmdebstrap", (argv, lines) -> {
      for (Runnable removal : List.<Runnable>of(() -> manager.prune(false),
          () -> manager.delete(old.getId()))) {
        refusals.add(CompletableFuture.runAsync(removal).handle((ok, e) -> e).join());
      }
      Files.writeString(Path.of(argv.argv().get(5)), "a rootfs tarball");
      return FakeCommandRunner.ok(argv, "");
    });

    manager.build(DEFAULT, progress::add);

    assertEquals(2, refusals.size());
    for (Throwable refusal : refusals) {
      RaidvmException e = assertInstanceOf(RaidvmException.class, refusal.getCause());
      assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
      assertEquals("an image build is running: delete images when it has finished",
          e.getMessage());
    }
    assertEquals(old, manager.list().get(1));
  }

  @Test
  void build_notesItsOwnerLoopAndMountInItsRecord_beforeTakingThem() throws IOException {
    List<BuildRecord> atMount = new ArrayList<>();
    runner.on("mount", (c, lines) -> {
      atMount.add(BuildRecord.read(Path.of(c.argv().get(2)).getParent()).orElseThrow());
      return FakeCommandRunner.ok(c, "");
    });

    manager().build(DEFAULT, progress::add);

    BuildRecord record = atMount.get(0);
    Path raw = Path.of(runner.argvOf("parted").get(2));
    assertEquals(BuildOwner.self(), record.owner());
    assertEquals(List.of("loop-file " + raw, "loop /dev/loop7 " + raw,
        "mount " + runner.argvOf("mount").get(2)), record.holds());
  }

  @Test
  void build_firstCleansUpAfterDeadBuilds_andItsOwnFailedOne_butNotAnotherProcesssLiveOne()
      throws Exception {
    Path dead = leftover(".build-dead-1", finishedProcess());
    Path deadReal = dead.toRealPath();
    Path ownFailed = leftover(".build-own-2", BuildOwner.self());
    ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
    Path live = leftover(".build-live-3",
        new BuildOwner(parent.pid(), parent.info().startInstant().orElseThrow()));

    manager().build(DEFAULT, progress::add);

    assertEquals(List.of(List.of("findmnt", "-J"), List.of("losetup", "-J"),
        List.of("findmnt", "-J"), List.of("losetup", "-J")), runner.calls().subList(0, 4));
    assertEquals("mmdebstrap", runner.programs().get(4));
    assertFalse(Files.exists(dead));
    assertFalse(Files.exists(ownFailed));
    assertTrue(Files.exists(live.resolve("disk.raw")));
    List<String> cleanups = progress.stream().filter(p -> p.getStep().equals("cleanup"))
        .map(BuildProgress::getMessage).toList();
    assertEquals(2, cleanups.size(), cleanups.toString());
    assertTrue(cleanups.get(0).startsWith("cleaned up after the image build in "
        + deadReal), cleanups.get(0));
  }

  private Path leftover(String name, BuildOwner owner) throws IOException {
    Path work = imageDir.resolve(name);
    Files.createDirectories(work);
    Files.writeString(work.resolve("disk.raw"), "raw");
    BuildRecord.create(work, owner);
    return work;
  }

  /** The owner of a process that ended: a cat that ran until its input closed. */
  private static BuildOwner finishedProcess() throws Exception {
    Process cat = new ProcessBuilder("cat").start();
    BuildOwner owner = new BuildOwner(cat.pid(), cat.info().startInstant().orElseThrow());
    cat.getOutputStream().close();
    cat.waitFor();
    return owner;
  }

  private static String rootfsKey() {
    return CacheKeys.rootfs(Recipe.VERSION, "trixie", Recipe.PACKAGES);
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void unpackFakeRootfs(Path root) throws IOException {
    Files.createDirectories(root.resolve("boot"));
    Files.createDirectories(root.resolve("etc/initramfs-tools"));
    Files.writeString(root.resolve("boot/vmlinuz-" + KERNEL), "kernel");
    Files.writeString(root.resolve("boot/initrd.img-" + KERNEL), "initrd");
    Files.writeString(root.resolve("etc/shadow"), "root:*:20782:0:99999:7:::\n");
    Files.writeString(root.resolve("etc/initramfs-tools/initramfs.conf"), "MODULES=most\n");
    Files.writeString(root.resolve("etc/resolv.conf"), "nameserver 192.0.2.1\n");
    Path wants = Files.createDirectories(root.resolve("etc/systemd/system/timers.target.wants"));
    Files.createSymbolicLink(wants.resolve("fstrim.timer"),
        Path.of("/lib/systemd/system/fstrim.timer"));
    Path hooks = Files.createDirectories(root.resolve("usr/share/initramfs-tools/hooks"));
    for (String hook : List.of("dmsetup", "fsck", "mdadm")) {
      Files.writeString(hooks.resolve(hook), "#!/bin/sh\n");
      Files.setPosixFilePermissions(hooks.resolve(hook),
          PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private static Path agentJar(Path path) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "9.9-test");
    try (OutputStream out = Files.newOutputStream(path);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      jar.flush();
    }
    return path;
  }
}
