package io.raidvm.controller.fault;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * qemu-io on a qcow2 data disk, over the one command runner: the host's way to read and write a
 * guest's disk through its format (qcow2 clusters, not the file's bytes). Without {@code -U}
 * qemu-io takes the image's lock, so it refuses a disk a running QEMU holds: a write can never
 * race a guest.
 */
public final class QemuIo {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  /**
   * "00101000:  fc 4e 2b a9 01 00 ... .N+.....": an offset, two spaces, 16 columns of "xx "
   * (blank in a last short line), the bytes as text.
   */
  private static final Pattern LINE = Pattern.compile("^([0-9a-f]{8,16}):  (.*)$");
  private static final int HEX_COLUMNS = 16 * 3;
  private static final Pattern BYTE = Pattern.compile("[0-9a-f]{2}");

  private final CommandRunner runner;

  public QemuIo(CommandRunner runner) {
    this.runner = runner;
  }

  /** {@code length} bytes at {@code offset} of the disk as the guest sees it (read-only). */
  public byte[] read(Path disk, long offset, int length) {
    String out = runner.run(Command.of("qemu-io", "-r", "-f", "qcow2", "-c",
        "read -v " + offset + " " + length, disk.toString()).withTimeout(TIMEOUT))
        .orThrow(RaidvmException.Kind.FAILED_PRECONDITION).stdout();
    return parseRead(out, offset, length);
  }

  /** Writes the bytes of {@code source} (exactly {@code length}) at {@code offset}. */
  public void write(Path disk, long offset, long length, Path source) {
    String out = runner.run(Command.of("qemu-io", "-f", "qcow2", "-c",
        "write -s " + source + " " + offset + " " + length, disk.toString())
        .withTimeout(TIMEOUT)).orThrow(RaidvmException.Kind.FAILED_PRECONDITION).stdout();
    if (!out.contains("wrote " + length + "/" + length + " bytes at offset " + offset)) {
      throw new RaidvmException(RaidvmException.Kind.INTERNAL, String.format("qemu-io did not"
          + " say it wrote %d bytes at %d of %s: %s", length, offset, disk, out.strip()));
    }
  }

  /**
   * The bytes of a {@code read -v} hexdump, checked against the offset and length asked for.
   * qemu-io reports a failed read on stdout with exit code 0 ("read failed: ..."), so a dump
   * that does not cover the range is an error. Pure.
   */
  static byte[] parseRead(String out, long offset, int length) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(length);
    for (String line : out.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      long at = Long.parseLong(m.group(1), 16);
      if (at != offset + bytes.size()) {
        throw new RaidvmException(RaidvmException.Kind.INTERNAL, String.format("qemu-io's dump"
            + " jumps to offset %d, expected %d", at, offset + bytes.size()));
      }
      String hex = m.group(2);
      Matcher b = BYTE.matcher(hex.substring(0, Math.min(hex.length(), HEX_COLUMNS)));
      while (b.find()) {
        bytes.write(Integer.parseInt(b.group(), 16));
      }
    }
    if (bytes.size() != length) {
      throw RaidvmException.failedPrecondition("qemu-io read %d of %d bytes at offset %d: %s",
          bytes.size(), length, offset, out.strip());
    }
    return bytes.toByteArray();
  }
}
