package io.raidvm.controller.access;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.raidvm.api.controller.v1.AuditEntry;
import io.raidvm.common.error.RaidvmException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The audit trail, {@code <state-dir>/audit.jsonl}: one {@link AuditEntry} per line in
 * protobuf's JSON mapping, appended and forced to disk before the call's result leaves. A file
 * that has reached {@link #ROTATE_AT} is renamed to {@code audit.jsonl.1} (replacing the one
 * before) and a new one begun, so at most twice that is kept. Lines that do not parse are
 * skipped when read.
 */
public final class AuditLog {

  private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
  public static final long ROTATE_AT = 16L << 20;
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 10_000;

  private final Path file;
  private final Path previous;
  private final long rotateAt;

  public AuditLog(Path stateDir) {
    this(stateDir.resolve("audit.jsonl"), ROTATE_AT);
  }

  AuditLog(Path file, long rotateAt) {
    this.file = file;
    this.previous = file.resolveSibling(file.getFileName() + ".1");
    this.rotateAt = rotateAt;
  }

  /** Appends one line; a failure is logged (the call it records has happened regardless). */
  public synchronized void append(AuditEntry entry) {
    String line;
    try {
      line = JsonFormat.printer().omittingInsignificantWhitespace().print(entry) + "\n";
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    try {
      rotateIfFull();
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(false);
      }
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "cannot append to the audit trail " + file + ": " + line, e);
    }
  }

  private void rotateIfFull() throws IOException {
    if (Files.exists(file) && Files.size(file) >= rotateAt) {
      Files.move(file, previous, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
    if (!Files.exists(file)) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
    }
  }

  /**
   * The newest {@code limit} entries (0: {@value #DEFAULT_LIMIT}) about {@code vm} (empty: all)
   * that started at or after {@code since}, oldest first.
   */
  public synchronized List<AuditEntry> list(String vm, Optional<Instant> since, int limit) {
    if (limit < 0 || limit > MAX_LIMIT) {
      throw RaidvmException.invalidArgument("limit %d: at most %d", limit, MAX_LIMIT);
    }
    int kept = limit == 0 ? DEFAULT_LIMIT : limit;
    Deque<AuditEntry> newest = new ArrayDeque<>();
    for (Path part : List.of(previous, file)) {
      try (BufferedReader in = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          Optional<AuditEntry> entry = parse(line);
          if (entry.isEmpty() || !matches(entry.get(), vm, since)) {
            continue;
          }
          newest.addLast(entry.get());
          if (newest.size() > kept) {
            newest.removeFirst();
          }
        }
      } catch (NoSuchFileException e) {
        // Nothing recorded there yet.
      } catch (IOException e) {
        throw RaidvmException.unavailable("cannot read the audit trail %s: %s", part, e);
      }
    }
    return new ArrayList<>(newest);
  }

  private static boolean matches(AuditEntry entry, String vm, Optional<Instant> since) {
    if (!vm.isEmpty() && !vm.equals(entry.getVm())) {
      return false;
    }
    return since.isEmpty() || !Instant.ofEpochMilli(Timestamps.toMillis(entry.getTime()))
        .isBefore(since.get());
  }

  private static Optional<AuditEntry> parse(String line) {
    if (line.isBlank()) {
      return Optional.empty();
    }
    try {
      AuditEntry.Builder entry = AuditEntry.newBuilder();
      JsonFormat.parser().ignoringUnknownFields().merge(line, entry);
      return Optional.of(entry.build());
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
