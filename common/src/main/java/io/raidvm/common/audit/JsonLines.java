package io.raidvm.common.audit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
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
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A file of protobuf messages, one per line in protobuf's JSON mapping — the controller's and the
 * agent's audit trails. Each line is appended with one write and forced to disk before
 * {@link #append} returns (a client that has its answer finds its line). A file that has reached
 * its size limit is renamed to {@code NAME.1} (replacing the one before) and a new one begun, so
 * at most about twice the limit is kept. Lines that do not parse (a write cut by a power loss)
 * are skipped when read, and a line is never appended to such a piece.
 */
public final class JsonLines<M extends Message> {

  private static final Logger LOG = Logger.getLogger(JsonLines.class.getName());

  private final Path file;
  private final Path previous;
  private final long rotateAt;
  private final Supplier<Message.Builder> builder;

  /** {@code builder} makes an empty builder of {@code M}, e.g. {@code AuditEntry::newBuilder}. */
  public JsonLines(Path file, long rotateAt, Supplier<Message.Builder> builder) {
    this.file = file;
    this.previous = file.resolveSibling(file.getFileName() + ".1");
    this.rotateAt = rotateAt;
    this.builder = builder;
  }

  public Path file() {
    return file;
  }

  /**
   * Appends one line (creating the file, mode 0600, and its folder as needed). A failure is
   * logged, not thrown: the call it records has happened regardless.
   *
   * @return whether the line is on disk
   */
  public synchronized boolean append(M entry) {
    String line;
    try {
      line = JsonFormat.printer().omittingInsignificantWhitespace().print(entry) + "\n";
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    try {
      rotateIfFull();
      String text = endsCut() ? "\n" + line : line;
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(false);
      }
      return true;
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "cannot append to " + file + ": " + line, e);
      return false;
    }
  }

  /** Whether the file ends inside a line (a write cut short): the next line must not join it. */
  private boolean endsCut() throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      if (size == 0) {
        return false;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      in.read(last, size - 1);
      return last.get(0) != '\n';
    }
  }

  private void rotateIfFull() throws IOException {
    if (Files.exists(file) && Files.size(file) >= rotateAt) {
      Files.move(file, previous, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
    if (!Files.exists(file)) {
      Files.createDirectories(file.getParent());
      Files.createFile(file, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
    }
  }

  /**
   * Hands every entry kept, oldest first (the rotated file, then the current one), to
   * {@code visitor} until it returns false.
   *
   * @throws IOException when a file that exists cannot be read
   */
  @SuppressWarnings("unchecked")
  public synchronized void scan(Predicate<M> visitor) throws IOException {
    for (Path part : List.of(previous, file)) {
      try (BufferedReader in = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          Optional<Message> entry = parse(line);
          if (entry.isPresent() && !visitor.test((M) entry.get())) {
            return;
          }
        }
      } catch (NoSuchFileException e) {
        // Nothing recorded there yet.
      }
    }
  }

  private Optional<Message> parse(String line) {
    if (line.isBlank()) {
      return Optional.empty();
    }
    try {
      Message.Builder entry = builder.get();
      JsonFormat.parser().ignoringUnknownFields().merge(line, entry);
      return Optional.of(entry.build());
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
