package io.raidvm.agent.data;

import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Files of known content on a data filesystem, and their checksums: how a person proves that data
 * written before a reboot, a check or a drive replacement is still intact. Only regular files on
 * a filesystem {@link DataFilesystems} accepts; a symlink is never followed, and nothing else
 * (directory, FIFO, device, /proc file) is ever opened.
 */
public final class TestFiles {

  static final long MAX_SIZE = 1L << 30;
  private static final int CHUNK = 1 << 20;
  private static final String LOST_FOUND = "lost+found";

  private final Path root;
  private final DataFilesystems filesystems;
  private final Function<Path, FsSpace> space;
  private final Clock clock;

  /** {@code root} is "/" in the guest; tests pass a directory holding /proc, /sys and files. */
  public TestFiles(Path root, DeviceResolver resolver) {
    this(root, new DataFilesystems(root, resolver), FsSpace::of, Clock.systemUTC());
  }

  TestFiles(Path root, DataFilesystems filesystems, Function<Path, FsSpace> space, Clock clock) {
    this.root = root;
    this.filesystems = filesystems;
    this.space = space;
    this.clock = clock;
  }

  /**
   * Writes {@code size} pseudo-random bytes from {@code seed} to a new file, fsynced. A write
   * that cannot finish by {@code deadline} stops and removes what it wrote.
   */
  public FileChecksum write(String pathText, long size, long seed, Instant deadline) {
    if (size <= 0 || size > MAX_SIZE) {
      throw RaidvmException.invalidArgument("size %d is out of range: 1 byte to 1 GiB", size);
    }
    DataPath path = DataPath.resolve(root, pathText);
    filesystems.require(path.guest());
    if (Files.exists(path.host(), LinkOption.NOFOLLOW_LINKS)) {
      throw exists(path);
    }
    FsSpace free = space.apply(path.host().getParent());
    if (size > free.writable()) {
      throw RaidvmException.failedPrecondition("%s: %d bytes do not fit: the filesystem has %d"
          + " bytes free and keeps 5 %% of its size (at least 1 MiB) free", path.given(), size,
          free.usable());
    }
    MessageDigest sha = sha256();
    FileChannel out = create(path);
    boolean done = false;
    try (out) {
      fill(out, size, new SplittableRandom(seed), sha, path.given(), deadline);
      out.force(true);
      done = true;
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot write %s: %s", path.given(),
          e.getMessage());
    } finally {
      if (!done) {
        removeUnfinished(path);
      }
    }
    return checksum(path.given(), size, sha);
  }

  /**
   * Checksums of a regular file, or of every regular file below a directory on the same
   * filesystem (symlinks, FIFOs, devices and lost+found left out), sorted by path. Stops with
   * DEADLINE_EXCEEDED when {@code deadline} passes.
   */
  public List<FileChecksum> checksums(String pathText, Instant deadline) {
    DataPath path = DataPath.resolve(root, pathText);
    filesystems.require(path.guest());
    BasicFileAttributes attributes = attributes(path);
    if (attributes.isRegularFile()) {
      return List.of(checksum(path.host(), path.given(), deadline));
    }
    if (!attributes.isDirectory()) {
      throw RaidvmException.failedPrecondition("%s is %s: only regular files and directories"
          + " are read", path.given(), attributes.isSymbolicLink()
              ? "a symbolic link (never followed)" : "not a regular file");
    }
    List<FileChecksum> sums = new ArrayList<>();
    for (Path file : regularFilesBelow(path)) {
      sums.add(checksum(file, path.given() + "/" + path.host().relativize(file), deadline));
    }
    return sums;
  }

  /**
   * Drops the guest's clean page cache (writes 1 to /proc/sys/vm/drop_caches), so that the next
   * reads come from the disks: a file read back from memory proves nothing about an array that
   * was rebuilt, or lost, since it was written. Test files are fsynced, so their pages are clean.
   */
  public void dropPageCache() {
    Path knob = root.resolve("proc/sys/vm/drop_caches");
    try {
      Files.writeString(knob, "1\n");
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot drop the page cache (%s): %s", knob,
          e.getMessage());
    }
  }

  private static FileChannel create(DataPath path) {
    try {
      return FileChannel.open(path.host(), StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    } catch (FileAlreadyExistsException e) {
      throw exists(path);
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot create %s: %s", path.given(),
          e.getMessage());
    }
  }

  private FileChecksum checksum(Path file, String given, Instant deadline) {
    MessageDigest sha = sha256();
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    long size = 0;
    requireBefore(deadline, given);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ,
        LinkOption.NOFOLLOW_LINKS)) {
      while (in.read(buf.clear()) > 0) {
        size += buf.flip().remaining();
        sha.update(buf);
        requireBefore(deadline, given);
      }
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot read %s: %s", given, e.getMessage());
    }
    return checksum(given, size, sha);
  }

  private void fill(FileChannel out, long size, SplittableRandom random, MessageDigest sha,
      String given, Instant deadline) throws IOException {
    byte[] chunk = new byte[CHUNK];
    for (long left = size; left > 0; left -= CHUNK) {
      requireBefore(deadline, given);
      int n = (int) Math.min(CHUNK, left);
      random.nextBytes(chunk);
      sha.update(chunk, 0, n);
      ByteBuffer buf = ByteBuffer.wrap(chunk, 0, n);
      while (buf.hasRemaining()) {
        out.write(buf);
      }
    }
  }

  /** Regular files below a directory, sorted; other filesystems mounted inside are not entered. */
  private List<Path> regularFilesBelow(DataPath dir) {
    Set<Path> otherFilesystems = Set.copyOf(filesystems.mountPointsBelow(dir.guest()).stream()
        .map(point -> dir.host().resolve(point.substring(dir.guest().length() + 1))).toList());
    List<Path> files = new ArrayList<>();
    try {
      Files.walkFileTree(dir.host(), new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
          boolean lostFound = !d.equals(dir.host())
              && d.getFileName().toString().equals(LOST_FOUND);
          return otherFilesystems.contains(d) || lostFound
              ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) {
            files.add(file);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot read %s: %s", dir.given(), e.getMessage());
    }
    return files.stream().sorted().toList();
  }

  private void requireBefore(Instant deadline, String given) {
    if (!clock.instant().isBefore(deadline)) {
      throw RaidvmException.deadlineExceeded("stopped at %s: the call's deadline passed",
          given);
    }
  }

  private static BasicFileAttributes attributes(DataPath path) {
    try {
      return Files.readAttributes(path.host(), BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw RaidvmException.notFound("%s does not exist", path.given());
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot inspect %s: %s", path.given(),
          e.getMessage());
    }
  }

  private static void removeUnfinished(DataPath path) {
    try {
      Files.deleteIfExists(path.host());
    } catch (IOException e) {
      // The error that stopped the write is the one to report.
    }
  }

  private static RaidvmException exists(DataPath path) {
    return RaidvmException.alreadyExists("%s exists already: test files are never overwritten",
        path.given());
  }

  private static FileChecksum checksum(String given, long size, MessageDigest sha) {
    return FileChecksum.newBuilder().setPath(given).setSizeBytes(size)
        .setSha256(HexFormat.of().formatHex(sha.digest())).build();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
