package io.raidvm.agent.ops;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Operation records on the guest's disk: one file {@code <id>.binpb} per operation (the binary
 * {@link Operation}, so that an older or newer agent keeps fields it does not know), each
 * replaced atomically ({@link AtomicFiles}: temporary file, fsync, rename, fsync of the folder).
 * Its temporary file is named after the record and the process, so one record must not be
 * written by two threads at once: {@link OperationHandle} writes its own under its lock.
 */
final class OperationFiles implements OperationRecords {

  private static final Logger LOG = Logger.getLogger(OperationFiles.class.getName());
  static final String SUFFIX = ".binpb";

  private final Path dir;

  private OperationFiles(Path dir) {
    this.dir = dir;
  }

  /** The records in {@code dir}, created if missing; INTERNAL when it cannot be. */
  static OperationFiles in(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot create " + dir + ": " + e.getMessage(), e);
    }
    return new OperationFiles(dir);
  }

  /**
   * Every readable record. A record that does not parse, or whose id is not its file's name, is
   * skipped with a warning and left in place; the temporary files of a write a dead agent did
   * not finish are deleted.
   */
  @Override
  public List<Operation> load() {
    List<Operation> records = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.startsWith(".") && name.contains(".tmp-")) {
          deleteQuietly(file, "an unfinished write of a previous agent");
        } else if (name.endsWith(SUFFIX) && Files.isRegularFile(file)) {
          read(file).ifPresent(records::add);
        }
      }
    } catch (IOException e) {
      LOG.warning("cannot list operation records in " + dir + ": " + e.getMessage());
    }
    return records;
  }

  @Override
  public void save(Operation operation) {
    try {
      AtomicFiles.write(file(operation.getId()), operation.toByteArray());
    } catch (RaidvmException e) {
      LOG.warning("operation " + operation.getId() + " is not recorded on disk: "
          + e.getMessage());
    }
  }

  @Override
  public void delete(String id) {
    deleteQuietly(file(id), "a forgotten operation");
  }

  private Path file(String id) {
    return dir.resolve(id + SUFFIX);
  }

  private Optional<Operation> read(Path file) {
    String name = file.getFileName().toString();
    String id = name.substring(0, name.length() - SUFFIX.length());
    try {
      Operation op = Operation.parseFrom(Files.readAllBytes(file));
      if (!op.getId().equals(id) || op.getState() == Operation.State.STATE_UNSPECIFIED) {
        LOG.warning("skipping operation record " + file + ": not a complete record of " + id);
        return Optional.empty();
      }
      return Optional.of(op);
    } catch (InvalidProtocolBufferException e) {
      LOG.warning("skipping operation record " + file + ": " + e.getMessage());
    } catch (IOException e) {
      LOG.warning("cannot read operation record " + file + ": " + e.getMessage());
    }
    return Optional.empty();
  }

  private static void deleteQuietly(Path file, String what) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warning("cannot delete " + file + " (" + what + "): " + e.getMessage());
    }
  }
}
