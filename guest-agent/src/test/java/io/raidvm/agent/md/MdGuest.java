package io.raidvm.agent.md;

import io.raidvm.agent.boot.BootConfig;
import io.raidvm.agent.boot.BootTimes;
import io.raidvm.agent.boot.Initramfs;
import io.raidvm.agent.fs.FilesystemGrower;
import io.raidvm.agent.fs.MountTable;
import io.raidvm.agent.fs.Mounter;
import io.raidvm.agent.fs.Usage;
import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.agent.testing.ArgvDifference;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestTree;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.common.process.FakeCommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The capture guest as the md code sees it: disks as in {@code 00-boot/disk-map.txt} (sda the OS
 * disk; d1..d4 = sdb, sdc, sdd, sde, each with partition 1), /proc/mdstat and md127's sysfs
 * copied from a captured step, mdadm answered with captured output. sync_action writes and the
 * commands run go into one event list, in order; each pause between sysfs samples installs the
 * next queued snapshot.
 */
final class MdGuest {

  static final Path MD127 = Path.of("/dev/md127");
  /** How the capture named a disk or partition: "…HARDDISK_d2-part1". */
  static final String BY_ID_PREFIX = "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_";
  private static final Pattern BY_ID =
      Pattern.compile(Pattern.quote(BY_ID_PREFIX) + "([a-z0-9]+?)(?:-part(\\d+))?");

  final FakeCommandRunner runner = new FakeCommandRunner();
  final List<String> events = new CopyOnWriteArrayList<>();
  final OperationRegistry operations = new OperationRegistry();
  final GuestTree tree;
  private final Deque<List<String>> snapshots = new ArrayDeque<>();

  MdGuest(Path root) {
    tree = new GuestTree(root).disk("sda").partition("sda", "sda1").mounted("sda1", "/");
    for (String disk : List.of("sdb", "sdc", "sdd", "sde", "sdf")) {
      tree.disk(disk).partition(disk, disk + "1");
    }
    tree.serial("d1-part1", "sdb1").serial("d2-part1", "sdc1").serial("d2", "sdc");
    tree.disk("md127");
  }

  MdContext context() {
    return MdContext.of(runner, tree.root(), operations,
        (array, action) -> events.add("write " + action + " to " + array + " sync_action"),
        pause -> {
          events.add("pause " + pause.toSeconds() + " s");
          if (!snapshots.isEmpty()) {
            List<String> layers = snapshots.poll();
            sysfs(layers.get(0), layers.subList(1, layers.size()).toArray(String[]::new));
          }
        });
  }

  /**
   * The captured RAID 5 (04) with its ext4 (05) mounted on /mnt/md127 and in fstab by UUID, as
   * raidvm writes the line; returns that line. blkid is answered as a read (not an event).
   */
  String mountedInFstab() {
    mdstat("04-raid5-synced/mdstat").sysfs("04-raid5-synced/sysfs-md127")
        .detail("04-raid5-synced", "");
    String probe = Fixtures.read("guest/05-mkfs-mount/blkid-p-export.stdout");
    runner.answer(List.of("blkid", "-p", "-o", "export", "/dev/md127"), 0, probe, "");
    String uuid = probe.lines().filter(l -> l.startsWith("UUID=")).findFirst().orElseThrow()
        .substring("UUID=".length());
    String line = "UUID=" + uuid + " /mnt/md127 ext4 defaults,nofail,discard 0 2";
    tree.write("etc/fstab", Fixtures.read("guest/00-boot/fstab.stdout") + line + "\n");
    tree.mounted("md127", "/mnt/md127");
    return line;
  }

  /** What stops arrays in this guest: unmounts and reads fstab below its root. */
  ArrayStopper stopper(MdContext md) {
    MountTable table = new MountTable(tree.root());
    return new ArrayStopper(md, table, new Mounter(runner, md.resolver(), md.guard(), md.locks(),
        table, new Usage(md.resolver(), table, tree.root()), tree.root()), boot(md));
  }

  /** What retires arrays in this guest; its initramfs updates go into {@link #operations}. */
  ArrayRetirement retirement(MdContext md) {
    return new ArrayRetirement(md, stopper(md), boot(md), new BootTimes(tree.root()),
        new Initramfs(runner, operations, tree.root()));
  }

  /** The Raid service over this guest. */
  RaidGrpcService service(MdContext md) {
    return new RaidGrpcService(md, new ArrayGrower(md, operations,
        new FilesystemGrower(runner, new MountTable(tree.root())), tree.root()), stopper(md),
        retirement(md));
  }

  private BootConfig boot(MdContext md) {
    return new BootConfig(runner, md.resolver(), md.guard(), tree.root());
  }

  /** /proc/mdstat from a captured step, e.g. "04-raid5-synced/mdstat". */
  MdGuest mdstat(String capture) {
    tree.write("proc/mdstat", Fixtures.read(Fixtures.folder(capture) + ".stdout"));
    return this;
  }

  /**
   * Replaces md127's sysfs with a captured copy, e.g. "03-raid5-create/sysfs-md127" (or one of
   * another capture's folder, "guest-reshape/r2-grow-4/sysfs-md127-reshape"), and lays
   * the snapshots {@code over} it, in order: a snapshot taken while a sync ran holds only the
   * files that change (guest/README.md), so it goes over a full copy of the same array, as the
   * agent would find them together. The copy is made beside the folder and swapped in by
   * renaming a symlink, so that an operation following the array in the background never sees a
   * half-made or missing folder.
   */
  MdGuest sysfs(String capture, String... over) {
    Path link = tree.root().resolve("sys/block/md127/md");
    try {
      Files.createDirectories(link.getParent());
      Path version = Files.createTempDirectory(link.getParent(), "md-");
      copy(capture, version);
      for (String snapshot : over) {
        copy(snapshot, version);
      }
      Path next = link.resolveSibling("md.next");
      Files.deleteIfExists(next);
      Files.createSymbolicLink(next, version.getFileName());
      Files.move(next, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  private static void copy(String capture, Path version)
      throws IOException, URISyntaxException {
    Path from = Path.of(MdGuest.class.getResource(Fixtures.guestCapture(capture)).toURI());
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path to = version.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** Full sysfs copies the pauses between samples install, in order. */
  MdGuest thenSysfs(String... captures) {
    for (String capture : captures) {
      snapshots.add(List.of(capture));
    }
    return this;
  }

  /** Snapshots the pauses between samples install, in order, each laid over {@code full}. */
  MdGuest thenSysfsOver(String full, String... snapshots) {
    for (String snapshot : snapshots) {
      this.snapshots.add(List.of(full, snapshot));
    }
    return this;
  }

  /** mdadm --detail and --detail --export of md127 answer with a step's capture. */
  MdGuest detail(String step, String prefix) {
    String base = Fixtures.folder(step) + "/" + prefix;
    runner.answer(List.of("mdadm", "--detail", "--export", "/dev/md127"), 0,
        Fixtures.read(base + "detail-export.stdout"), "");
    runner.answer(List.of("mdadm", "--detail", "/dev/md127"), 0,
        Fixtures.read(base + "detail.stdout"), "");
    return this;
  }

  /**
   * A captured command's result as the answer to {@code argv}, which must be the captured argv
   * but for the disks: the capture named them by id, this guest by the kernel names they had
   * there ({@code 00-boot/disk-map.txt}).
   */
  MdGuest answer(List<String> argv, String capture) {
    ArgvDifference byKernelName = ArgvDifference.because("the capture named disks by id;"
        + " MdGuest names them as the capture guest's kernel did (00-boot/disk-map.txt)");
    boolean byId = false;
    for (String token : Fixtures.capturedArgv(capture)) {
      String kernelName = kernelName(token);
      if (kernelName != null) {
        byKernelName.renamed(token, kernelName);
        byId = true;
      }
    }
    if (byId) {
      Fixtures.answerAsCapturedFor(runner, argv, capture, byKernelName);
    } else {
      Fixtures.answerAsCaptured(runner, argv, capture);
    }
    runner.effect(argv, () -> events.add(String.join(" ", argv)));
    return this;
  }

  /**
   * As {@link #answer(List, String)}, for an argv that differs also as {@code difference} says
   * (by-id paths it does not rename are renamed to kernel names as there).
   */
  MdGuest answer(List<String> argv, String capture, ArgvDifference difference) {
    for (String token : Fixtures.capturedArgv(capture)) {
      String kernelName = kernelName(token);
      if (kernelName != null && !difference.renames(token)) {
        difference.renamed(token, kernelName);
      }
    }
    Fixtures.answerAsCapturedFor(runner, argv, capture, difference);
    runner.effect(argv, () -> events.add(String.join(" ", argv)));
    return this;
  }

  /** The capture guest's kernel path of a by-id path ("…_d2-part1" is /dev/sdc1), or null. */
  static String kernelName(String byId) {
    Matcher m = BY_ID.matcher(byId);
    if (!m.matches()) {
      return null;
    }
    String disk = Fixtures.read("guest/00-boot/disk-map.txt").lines()
        .filter(line -> line.startsWith(m.group(1) + " "))
        .map(line -> line.substring(line.indexOf(' ') + 1).strip())
        .findFirst().orElseThrow(() -> new AssertionError("no " + m.group(1) + " in disk-map"));
    return m.group(2) == null ? disk : disk + m.group(2);
  }

  MdGuest answer(List<String> argv, int exit, String stdout, String stderr) {
    runner.answer(argv, exit, stdout, stderr);
    runner.effect(argv, () -> events.add(String.join(" ", argv)));
    return this;
  }

  /** blkid finds nothing on the device. */
  MdGuest blank(String device) {
    runner.answer(List.of("blkid", "-p", "-o", "export", device), 2, "", "");
    return this;
  }

  /** The mdadm commands among everything that ran. */
  List<List<String>> mdadmCalls() {
    return runner.calls().stream().filter(argv -> argv.get(0).equals("mdadm")).toList();
  }

  Operation awaitEnd(Operation started) throws InterruptedException {
    var handle = operations.get(started.getId());
    long seen = handle.version();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (handle.running() && System.nanoTime() < deadline) {
      seen = handle.awaitChange(seen, Duration.ofMillis(100));
    }
    return handle.snapshot();
  }
}
