package io.raidvm.controller.vm;

import com.google.protobuf.TextFormat;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.common.Names;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.fs.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** VM folders under {@code <state>/vms/}: the spec, the OS disk and QEMU's runtime files. */
public final class VmStore {

  private final Path root;

  public VmStore(Path stateDir) {
    this.root = stateDir.resolve("vms").toAbsolutePath().normalize();
  }

  /** The paths of the VM with this (valid) name; checks nothing on disk. */
  public VmPaths paths(String name) {
    return new VmPaths(root.resolve(Names.require("VM", name)));
  }

  public boolean exists(String name) {
    return Files.isRegularFile(paths(name).spec());
  }

  /**
   * Checks that the VM's sockets fit in a Unix socket address, so that QEMU and the relay can
   * bind them. Fails with INVALID_ARGUMENT naming the limit.
   */
  public void requireSocketPathsFit(String name) {
    VmPaths paths = paths(name);
    int longest = paths.longestSocketPathBytes();
    if (longest > VmPaths.MAX_SOCKET_PATH_BYTES) {
      throw RaidvmException.invalidArgument("VM name '%s' is too long for this state directory:"
          + " its socket %s would be %d bytes, and Unix socket paths hold at most %d; use a"
          + " shorter name or state directory", name, paths.agentGrpcSocket(), longest,
          VmPaths.MAX_SOCKET_PATH_BYTES);
    }
  }

  /** Creates an empty folder for a new VM, replacing the leftovers of a creation that failed. */
  public VmPaths createFolder(String name) {
    VmPaths paths = paths(name);
    deleteTree(paths.dir());
    try {
      Files.createDirectories(paths.dir());
    } catch (IOException e) {
      throw RaidvmException.internal("cannot create " + paths.dir() + ": " + e.getMessage(), e);
    }
    return paths;
  }

  /** Writes the spec atomically; from then on the VM exists. */
  public void writeSpec(VmSpec spec) {
    AtomicFiles.write(paths(spec.getName()).spec(), TextFormat.printer().printToString(spec));
  }

  /** The spec of an existing VM, or NOT_FOUND. */
  public VmSpec read(String name) {
    VmPaths paths = paths(name);
    String text;
    try {
      text = Files.readString(paths.spec(), StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw RaidvmException.notFound("VM '%s' does not exist", name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return TextFormat.parse(text, VmSpec.class);
    } catch (TextFormat.ParseException e) {
      throw RaidvmException.internal("cannot read " + paths.spec() + ": " + e.getMessage(), e);
    }
  }

  /** Names of all VMs, sorted. */
  public List<String> names() {
    return scan().names();
  }

  /** What is under {@code vms/}: the VMs' names, and the entries that are not a VM, with why. */
  public record Listing(List<String> names, List<String> skipped) {}

  /**
   * The folders of a valid VM name that hold a spec file, sorted; every other entry (a file, a
   * folder without a spec, another name) is skipped and said so.
   */
  public Listing scan() {
    if (!Files.isDirectory(root)) {
      return new Listing(List.of(), List.of());
    }
    List<Path> entries;
    try (Stream<Path> list = Files.list(root)) {
      entries = list.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> names = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      if (!Files.isDirectory(entry)) {
        skipped.add(entry + ": not a folder, skipped");
      } else if (!Names.isValid(name)) {
        skipped.add(entry + ": not a VM name, skipped");
      } else if (!Files.isRegularFile(entry.resolve("spec.textproto"))) {
        skipped.add(entry + ": no spec.textproto, skipped");
      } else {
        names.add(name);
      }
    }
    return new Listing(List.copyOf(names), List.copyOf(skipped));
  }

  public void setDesiredRunning(String name, boolean running) {
    Path marker = paths(name).desiredRunning();
    try {
      if (running) {
        AtomicFiles.write(marker, "");
      } else {
        Files.deleteIfExists(marker);
      }
    } catch (IOException e) {
      throw RaidvmException.internal("cannot update " + marker + ": " + e.getMessage(), e);
    }
  }

  public boolean desiredRunning(String name) {
    return Files.exists(paths(name).desiredRunning());
  }

  /** Removes the VM's folder with everything in it. */
  public void delete(String name) {
    deleteTree(paths(name).dir());
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw RaidvmException.internal("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }
}
