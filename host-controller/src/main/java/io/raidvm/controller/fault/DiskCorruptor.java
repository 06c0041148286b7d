package io.raidvm.controller.fault;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Silent corruption of an md member, from the host, with qemu-io on the member's qcow2 (its VM
 * stopped): pseudo-random bytes into the member's data area ({@link MemberLayout}). md cannot
 * tell such bytes from data; only a check that compares a stripe's data with its parity (RAID
 * 5/6) or its copies (RAID 1/10) finds them as mismatches.
 */
public final class DiskCorruptor {

  /** What a corruption of no given size writes: 64 KiB, one chunk of the howto's array. */
  public static final long DEFAULT_LENGTH = 64L << 10;
  /** The most one call writes. */
  public static final long MAX_LENGTH = 16L << 20;

  private final QemuIo qemuIo;

  public DiskCorruptor(QemuIo qemuIo) {
    this.qemuIo = qemuIo;
  }

  /** What was written where, and the data area it was in. */
  public record Corruption(MemberLayout layout, MemberLayout.Range range) {}

  /**
   * Reads the member's layout from {@code disk}, then writes {@code length} pseudo-random bytes
   * (from {@code seed}) {@code offset} bytes into its data area (both zero: the middle 64 KiB).
   *
   * @throws RaidvmException FAILED_PRECONDITION for a disk without a partition or md superblock
   *     (naming what was found), or one that a running QEMU holds (qemu-io cannot lock it);
   *     INVALID_ARGUMENT for a range outside the data area
   */
  public Corruption corrupt(String name, Path disk, long offset, long length, long seed) {
    MemberLayout layout = layout(name, disk);
    MemberLayout.Range range = layout.range(offset, length, DEFAULT_LENGTH, MAX_LENGTH);
    Path bytes = null;
    try {
      bytes = Files.createTempFile("raidvm-corrupt-", ".bin",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(bytes, pseudoRandom(seed, (int) range.length()));
      qemuIo.write(disk, range.offset(), range.length(), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (bytes != null) {
        try {
          Files.deleteIfExists(bytes);
        } catch (IOException ignored) {
          // A temporary file of random bytes; nothing depends on it.
        }
      }
    }
    return new Corruption(layout, range);
  }

  /** The member's layout as the disk says it; FAILED_PRECONDITION when it is no md member. */
  public MemberLayout layout(String name, Path disk) {
    byte[] entry = qemuIo.read(disk, MemberLayout.GPT_ENTRY_OFFSET, MemberLayout.GPT_ENTRY_BYTES);
    long[] partition = MemberLayout.partition(entry).orElseThrow(() ->
        RaidvmException.failedPrecondition("disk '%s' has no GPT partition: it is no md member"
            + " (raidctl part VM %s makes one); nothing was written", name, name));
    long sectors = partition[1] - partition[0] + 1;
    for (MemberLayout.Candidate c : MemberLayout.candidates(sectors)) {
      byte[] sb = qemuIo.read(disk, (partition[0] + c.sector()) * MemberLayout.SECTOR,
          MemberLayout.SUPERBLOCK_BYTES);
      Optional<MemberLayout> layout = MemberLayout.of(partition[0], sectors, c, sb);
      if (layout.isPresent()) {
        return layout.get();
      }
    }
    throw RaidvmException.failedPrecondition("disk '%s' has a partition (sectors %d to %d) but"
        + " no md superblock v1 in it (looked where metadata 1.2, 1.1 and 1.0 put it): it is no"
        + " md member, so there is no data area to corrupt; nothing was written", name,
        partition[0], partition[1]);
  }

  /** The same bytes for the same seed. */
  static byte[] pseudoRandom(long seed, int length) {
    byte[] out = new byte[length];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < length; i += 8) {
      long v = random.nextLong();
      for (int j = 0; j < 8 && i + j < length; j++) {
        out[i + j] = (byte) (v >>> (8 * j));
      }
    }
    return out;
  }
}
