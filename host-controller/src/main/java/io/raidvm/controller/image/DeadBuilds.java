package io.raidvm.controller.image;

import io.raidvm.common.fs.FileTrees;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Cleans up after image builds whose process died (a killed controller, a crash): the mounts and
 * loop devices they left, then their build folder with the raw disk, the rootfs or image not yet
 * renamed into place, and their {@link BuildRecord}, which goes last so that a clean-up cut short
 * is done again next time. A build whose owner is live is never touched, nor a folder without a
 * record (an older controller's, or one killed between making the folder and writing its record):
 * its owner cannot be known.
 *
 * <p>What is released comes from the host's own tables, never from the record alone (a loop
 * device's name is reused by the next {@code losetup -f}): mounts whose mount point lies in the
 * build folder, deepest first; then loop devices whose backing file lies in it. A mount that
 * {@code umount} finds busy — a tool the dead build started may still run in it, as the
 * controller's children outlive its SIGKILL — is detached lazily ({@code umount --lazy}): it
 * leaves the namespace at once and the kernel frees it when that tool ends, and {@code losetup
 * -d} of its busy loop device likewise marks it to go then. Nothing is deleted across a
 * filesystem boundary.
 */
final class DeadBuilds {

  private final ImageStore store;
  private final CommandRunner runner;

  DeadBuilds(ImageStore store, CommandRunner runner) {
    this.store = store;
    this.runner = runner;
  }

  /**
   * Cleans up after every build in the image directory whose owner {@code live} does not accept;
   * one line for each such build (what was released and removed, or why something stayed) and
   * for each build folder without a record. Runs no tool when there is nothing to clean.
   */
  List<String> clean(Predicate<BuildOwner> live) {
    List<String> report = new ArrayList<>();
    List<BuildRecord> dead = new ArrayList<>();
    for (Path dir : store.workDirs()) {
      Optional<BuildRecord> record = BuildRecord.read(dir);
      if (record.isEmpty()) {
        report.add("left the build folder " + dir + " alone: it has no build record, so whose it"
            + " is cannot be known (remove it by hand when no build runs)");
      } else if (!live.test(record.get().owner())) {
        dead.add(record.get());
      }
    }
    for (BuildRecord record : dead) {
      try {
        report.add(clean(record));
      } catch (RuntimeException e) {
        report.add("could not clean up after the image build in " + record.workDir() + ": "
            + e.getMessage());
      }
    }
    return report;
  }

  private String clean(BuildRecord record) {
    Path dir = realPath(record.workDir());
    List<String> done = new ArrayList<>();
    boolean mounted = false;
    List<Path> mounts = HostTables.mountPoints(list("findmnt", "-J")).stream()
        .map(Path::of)
        .filter(p -> p.startsWith(dir) && !p.equals(dir))
        .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
        .toList();
    for (Path mount : mounts) {
      mounted |= !unmount(mount, done);
    }
    for (HostTables.Loop loop : HostTables.loops(list("losetup", "-J"))) {
      if (Path.of(loop.backingFile()).startsWith(dir)) {
        CommandResult r = runner.run(Command.of("losetup", "-d", loop.device()));
        done.add(r.succeeded() ? "detached " + loop.device() + " (" + loop.backingFile() + ")"
            : "could not detach " + loop.device() + ": " + lastLine(r));
      }
    }
    if (mounted) {
      done.add("kept the folder: something is still mounted in it");
    } else {
      done.add("removed " + delete(dir));
    }
    return "cleaned up after the image build in " + dir + " (pid " + record.owner().pid()
        + ", started " + record.owner().startedAt() + ", no longer runs): "
        + String.join("; ", done);
  }

  /** Unmounts, lazily when busy; says whether the mount is gone. */
  private boolean unmount(Path mount, List<String> done) {
    CommandResult plain = runner.run(Command.of("umount", mount.toString()));
    if (plain.succeeded()) {
      done.add("unmounted " + mount);
      return true;
    }
    CommandResult lazy = runner.run(Command.of("umount", "--lazy", mount.toString()));
    if (lazy.succeeded()) {
      done.add("unmounted " + mount + " lazily (" + lastLine(plain) + ")");
      return true;
    }
    done.add("could not unmount " + mount + ": " + lastLine(lazy));
    return false;
  }

  private String list(String... argv) {
    return runner.run(Command.of(argv)).orThrow().stdout();
  }

  /**
   * Deletes the folder, its record last, and names what was in it. A folder on another filesystem
   * (a mount that stayed) is left with what it holds, and so are the folders above it.
   */
  private static String delete(Path dir) {
    List<String> names = new ArrayList<>();
    Path record = dir.resolve(BuildRecord.FILE);
    try (var files = Files.list(dir)) {
      List<Path> all = files.sorted().toList();
      all.forEach(p -> names.add(p.getFileName().toString()));
      for (Path p : all) {
        if (!p.equals(record)) {
          FileTrees.delete(p);
        }
      }
      Files.deleteIfExists(record);
      Files.delete(dir);
      return dir + " (" + String.join(", ", names) + ")";
    } catch (IOException e) {
      return "part of " + dir + " (" + String.join(", ", names) + "); the rest stays: "
          + e.getMessage();
    }
  }

  private static Path realPath(Path dir) {
    try {
      return dir.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String lastLine(CommandResult r) {
    List<String> lines = r.stderr().strip().lines().toList();
    return lines.isEmpty() ? "exit " + r.exitCode() : lines.get(lines.size() - 1);
  }
}
