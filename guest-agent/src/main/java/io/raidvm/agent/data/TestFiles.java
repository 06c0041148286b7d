package io.raidvm.agent.data;

import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Files of known content on a data filesystem, and their checksums: how a person proves that data
 * written before a reboot, a check or a drive replacement is still intact. Refuses anything on
 * the guest's own root filesystem.
 */
public final class TestFiles {

  static final long MAX_SIZE = 1L << 30;
  private static final int CHUNK = 1 << 20;

  private final Path rootFs;

  /** {@code rootFs} is "/" in the guest: files on its filesystem are refused. */
  public TestFiles(Path rootFs) {
    this.rootFs = rootFs;
  }

  /** Writes {@code size} pseudo-random bytes from {@code seed} to a new file, fsynced. */
  public FileChecksum write(String pathText, long size, long seed) {
    Path path = dataPath(pathText);
    if (size <= 0 || size > MAX_SIZE) {
      throw RaidvmException.invalidArgument("size %d is out of range: 1 byte to 1 GiB", size);
    }
    requireOnDataFilesystem(path.getParent());
    MessageDigest sha = sha256();
    SplittableRandom random = new SplittableRandom(seed);
    byte[] chunk = new byte[CHUNK];
    try (FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      for (long left = size; left > 0; left -= CHUNK) {
        int n = (int) Math.min(CHUNK, left);
        random.nextBytes(chunk);
        sha.update(chunk, 0, n);
        ByteBuffer buf = ByteBuffer.wrap(chunk, 0, n);
        while (buf.hasRemaining()) {
          out.write(buf);
        }
      }
      out.force(true);
    } catch (FileAlreadyExistsException e) {
      throw RaidvmException.alreadyExists("%s exists already: test files are never overwritten",
          path);
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot write %s: %s", path, e.getMessage());
    }
    return FileChecksum.newBuilder().setPath(path.toString()).setSizeBytes(size)
        .setSha256(HexFormat.of().formatHex(sha.digest())).build();
  }

  /** Checksums of a file, or of every regular file below a directory, sorted by path. */
  public List<FileChecksum> checksums(String pathText) {
    Path path = dataPath(pathText);
    if (!Files.exists(path)) {
      throw RaidvmException.notFound("%s does not exist", path);
    }
    requireOnDataFilesystem(path);
    try (Stream<Path> files = Files.walk(path)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains("/lost+found/"))
          .sorted()
          .map(TestFiles::checksum)
          .toList();
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot read %s: %s", path, e.getMessage());
    }
  }

  private static FileChecksum checksum(Path file) {
    MessageDigest sha = sha256();
    byte[] buf = new byte[CHUNK];
    long size = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
        size += n;
      }
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot read %s: %s", file, e.getMessage());
    }
    return FileChecksum.newBuilder().setPath(file.toString()).setSizeBytes(size)
        .setSha256(HexFormat.of().formatHex(sha.digest())).build();
  }

  private static Path dataPath(String text) {
    if (text == null || text.isEmpty() || !text.startsWith("/")) {
      throw RaidvmException.invalidArgument("path '%s' must be absolute", text);
    }
    Path path = Path.of(text);
    if (!path.normalize().equals(path) || text.contains("/../") || text.endsWith("/..")) {
      throw RaidvmException.invalidArgument("path '%s' must not contain '.' or '..'", text);
    }
    if (path.getParent() == null) {
      throw RaidvmException.invalidArgument("path '%s' is the root directory", text);
    }
    return path;
  }

  private void requireOnDataFilesystem(Path path) {
    try {
      if (!Files.isDirectory(path) && !Files.isRegularFile(path)) {
        throw RaidvmException.notFound("%s does not exist: mount the data filesystem first",
            path);
      }
      FileStore store = Files.getFileStore(path);
      if (store.equals(Files.getFileStore(rootFs))) {
        throw RaidvmException.failedPrecondition("%s is on the guest's root filesystem (%s), not"
            + " on a data filesystem: mount one and write below its mount point", path,
            store.name());
      }
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot inspect %s: %s", path, e.getMessage());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
