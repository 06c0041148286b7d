package io.raidvm.agent.boot;

import io.raidvm.common.fs.FileTrees;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a killed {@code update-initramfs -u} leaves (initramfs-tools as in Debian 12):
 * update-initramfs has mkinitramfs write {@code /boot/initrd.img-<version>.new} and renames it
 * over the initramfs only once it is complete; mkinitramfs works in
 * {@code /var/tmp/mkinitramfs_XXXXXX} (a folder) with {@code /var/tmp/mkinitramfs-OL_XXXXXX} and
 * {@code mkinitramfs-FW_XXXXXX} (files), which its exit trap removes unless it dies by SIGKILL.
 * The initramfs itself is the old one or the new one, never a mix; a left {@code .dpkg-bak}
 * hard link is replaced by the next run and left alone here.
 */
final class InitramfsLeftovers {

  /** Process names ({@code /proc/PID/comm}, at most 15 characters) of the tools at work. */
  private static final Set<String> TOOLS = Set.of("update-initramf", "mkinitramfs");

  private final Path root;

  /** {@code root} is "/" in the guest. */
  InitramfsLeftovers(Path root) {
    this.root = root;
  }

  /**
   * Removes the leftovers, unless update-initramfs or mkinitramfs still runs (then they are
   * its work files); returns one line saying what it did.
   */
  String clean() {
    Optional<String> running = runningTool();
    if (running.isPresent()) {
      return "left /boot/initrd.img-*.new and /var/tmp/mkinitramfs* alone: "
          + running.get() + " still runs";
    }
    List<String> removed = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (Path leftover : leftovers()) {
      String shown = "/" + root.relativize(leftover);
      try {
        FileTrees.delete(leftover);
        removed.add(shown);
      } catch (IOException e) {
        failed.add(shown + " (" + e.getMessage() + ")");
      }
    }
    String done = removed.isEmpty() ? "no half-written initramfs or mkinitramfs files were left"
        : "removed " + String.join(", ", removed);
    return failed.isEmpty() ? done : done + "; could not remove " + String.join(", ", failed);
  }

  private List<Path> leftovers() {
    List<Path> found = new ArrayList<>(list(root.resolve("boot"), "initrd.img-*.new"));
    found.addAll(list(root.resolve("var/tmp"), "mkinitramfs[_-]*"));
    return found;
  }

  private static List<Path> list(Path dir, String glob) {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, glob)) {
      entries.forEach(found::add);
    } catch (IOException e) {
      // An unreadable folder holds nothing this can remove either.
    }
    found.sort(null);
    return found;
  }

  private Optional<String> runningTool() {
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(root.resolve("proc"),
        p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
      for (Path proc : procs) {
        String comm = readComm(proc);
        if (TOOLS.contains(comm)) {
          return Optional.of(comm + " (pid " + proc.getFileName() + ")");
        }
      }
    } catch (IOException e) {
      // No /proc to read: nothing is known to run.
    }
    return Optional.empty();
  }

  private static String readComm(Path proc) {
    try {
      return Files.readString(proc.resolve("comm")).strip();
    } catch (IOException e) {
      return "";
    }
  }
}
