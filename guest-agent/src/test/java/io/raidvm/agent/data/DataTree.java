package io.raidvm.agent.data;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A guest root for test files: the OS disk sda (sda1 on /, sda2 on /boot, sda3 on /mnt/os3, sda1
 * again on /mnt/rootbind), the array md127 on /mnt/md127 with a tmpfs on /mnt/md127/inner, an
 * overlay on /mnt/overlay, and the kernel's own filesystems (/proc, /sys, /dev, /dev/shm, …) as
 * a real mountinfo shows them.
 */
final class DataTree {

  private final Path root;
  private final GuestTree tree;

  DataTree(Path root) {
    this.root = root;
    this.tree = new GuestTree(root)
        .disk("sda").partition("sda", "sda1").partition("sda", "sda2")
        .partition("sda", "sda3").disk("md127")
        .mounted("sda1", "/").mounted("sda2", "/boot").mounted("sda3", "/mnt/os3")
        .mounted("sda1", "/mnt/rootbind").mounted("md127", "/mnt/md127")
        .mountinfo("60 1 0:60 / /mnt/overlay rw,relatime - overlay overlay"
            + " rw,lowerdir=/a,upperdir=/b,workdir=/c")
        .mountinfo("61 24 0:61 / /mnt/md127/inner rw,relatime - tmpfs tmpfs rw");
    Fixtures.read("mountinfo/host-loop-with-space").lines()
        .filter(line -> line.split(" ")[2].startsWith("0:"))
        .forEach(tree::mountinfo);
    for (String dir : List.of("boot", "srv", "dev/shm", "mnt/md127/inner", "mnt/os3",
        "mnt/rootbind", "mnt/overlay")) {
      mkdirs(dir);
    }
  }

  DataTree link(String relative, String target) {
    tree.link(relative, target);
    return this;
  }

  DataTree write(String relative, String content) {
    tree.write(relative, content);
    return this;
  }

  /** A named pipe: whoever opens it for reading blocks until a writer comes. */
  DataTree fifo(String relative) {
    try {
      Path fifo = root.resolve(relative);
      Files.createDirectories(fifo.getParent());
      Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
      if (mkfifo.waitFor() != 0) {
        throw new IllegalStateException("mkfifo " + fifo + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return this;
  }

  /** The names of what is not a directory (files, links, FIFOs) in a directory, sorted. */
  List<String> files(String relative) {
    try (Stream<Path> entries = Files.list(root.resolve(relative))) {
      return entries.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  DataTree mkdirs(String relative) {
    try {
      Files.createDirectories(root.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }
}
