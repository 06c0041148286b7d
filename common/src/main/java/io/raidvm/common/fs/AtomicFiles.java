package io.raidvm.common.fs;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Writes files so that a reader sees the old content or the new one, never a torn mix: a
 * temporary file of its own name beside the target ({@code .<name>.raidvm-<random>.tmp}),
 * fsync'd, renamed over the target, then the folder fsync'd; the temporary file is removed on any
 * failure. A rewritten file keeps its owner, group and mode; a new one gets mode 0644 and the
 * writing process's owner (root in the guest). A symlink is written at its target and stays a
 * symlink.
 */
public final class AtomicFiles {

  /** The mode of a file that did not exist before. */
  public static final Set<PosixFilePermission> NEW_FILE_MODE =
      PosixFilePermissions.fromString("rw-r--r--");

  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rw-------");
  private static final int MAX_LINKS = 40;
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  public static void write(Path target, byte[] content) {
    write(target, content, target);
  }

  public static void write(Path target, String content) {
    write(target, content.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Like {@link #write(Path, byte[])}, but the file takes the owner, group and mode of
   * {@code attributesOf} (when that exists; otherwise 0644), e.g. a backup those of its original.
   */
  public static void write(Path target, byte[] content, Path attributesOf) {
    Path real = realTarget(target);
    Path tmp = real.resolveSibling("." + real.getFileName() + ".raidvm-" + randomHex() + ".tmp");
    boolean created = false;
    boolean moved = false;
    try {
      PosixFileAttributes attributes = attributes(attributesOf);
      try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PRIVATE))) {
        created = true;
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        apply(attributes, tmp);
        ch.force(true);
      }
      move(tmp, real);
      moved = true;
      syncDirectory(real.getParent());
    } catch (IOException e) {
      throw RaidvmException.internal("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      if (created && !moved) {
        deleteQuietly(tmp);
      }
    }
  }

  /**
   * The file a path names with every symlink on the way resolved — also when that file does not
   * exist yet (a dangling link) — so that it can be replaced while its links stay.
   *
   * @throws RaidvmException FAILED_PRECONDITION on a symlink loop, INTERNAL when the folder is
   *     missing or unreadable
   */
  public static Path realTarget(Path path) {
    try {
      Path file = path.toAbsolutePath();
      for (int hops = 0; ; hops++) {
        Path dir = file.getParent().toRealPath();
        file = dir.resolve(file.getFileName());
        if (!Files.isSymbolicLink(file)) {
          return file;
        }
        if (hops == MAX_LINKS) {
          throw RaidvmException.failedPrecondition("%s: too many levels of symbolic links",
              path);
        }
        file = dir.resolve(Files.readSymbolicLink(file));
      }
    } catch (IOException e) {
      throw RaidvmException.internal("cannot resolve " + path + ": " + e.getMessage(), e);
    }
  }

  /** Owner, group and mode of the file, or null when there is none. */
  private static PosixFileAttributes attributes(Path file) throws IOException {
    Path real = realTarget(file);
    return Files.exists(real) ? Files.readAttributes(real, PosixFileAttributes.class) : null;
  }

  /** Owner and group first: changing them may clear the setuid/setgid bits of the mode. */
  private static void apply(PosixFileAttributes wanted, Path file) throws IOException {
    if (wanted == null) {
      Files.setPosixFilePermissions(file, NEW_FILE_MODE);
      return;
    }
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    PosixFileAttributes now = view.readAttributes();
    if (!now.owner().equals(wanted.owner())) {
      view.setOwner(wanted.owner());
    }
    if (!now.group().equals(wanted.group())) {
      view.setGroup(wanted.group());
    }
    view.setPermissions(wanted.permissions());
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Gives a file that another program made completely ({@code complete}, beside the target) its
   * name: fsyncs it, renames it over {@code target}, fsyncs the folder. On failure it removes
   * {@code complete}.
   */
  public static void publish(Path complete, Path target) {
    try {
      try (FileChannel ch = FileChannel.open(complete, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      move(complete, target);
      syncDirectory(target.toAbsolutePath().getParent());
    } catch (IOException e) {
      deleteQuietly(complete);
      throw RaidvmException.internal("cannot rename " + complete + " to " + target + ": "
          + e.getMessage(), e);
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static void deleteQuietly(Path tmp) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // The write already failed; that is the error to report.
    }
  }

  private static String randomHex() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
