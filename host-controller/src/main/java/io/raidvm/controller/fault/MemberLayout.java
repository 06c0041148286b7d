package io.raidvm.controller.fault;

import io.raidvm.common.error.RaidvmException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

/**
 * Where md keeps a member's data on a raidvm data disk, read from the disk's bytes: the first
 * GPT partition (the agent makes exactly one, from sector 2048) and the md superblock v1 in it
 * (metadata 1.1 at the partition's start, 1.2 4 KiB in, 1.0 near its end; {@code struct
 * mdp_superblock_1}: magic {@code a92b4efc} at 0, used size per device at 80, data_offset at
 * 128, data_size at 136, super_offset at 144, all little-endian sectors). A corruption is kept
 * to the data area so that it hits what md reads as data and parity — what a later check
 * compares — never the superblock (which would make md drop the member instead) or the
 * partition table. Pure.
 */
public record MemberLayout(long partitionStart, long partitionSectors, String metadata,
    long dataStart, long dataLength) {

  static final int SECTOR = 512;
  /** The first GPT partition entry (LBA 2) and its size. */
  static final long GPT_ENTRY_OFFSET = 2L * SECTOR;
  static final int GPT_ENTRY_BYTES = 128;
  static final int SUPERBLOCK_BYTES = 256;
  private static final int MAGIC = 0xa92b4efc;

  /** One place a superblock may be, as sectors from the partition's start. */
  record Candidate(String metadata, long sector) {}

  /** First and last LBA of the first GPT partition entry; empty when the entry is unused. */
  static Optional<long[]> partition(byte[] entry) {
    ByteBuffer b = ByteBuffer.wrap(entry).order(ByteOrder.LITTLE_ENDIAN);
    long first = b.getLong(32);
    long last = b.getLong(40);
    return first == 0 || last < first ? Optional.empty() : Optional.of(new long[] {first, last});
  }

  /** Where a v1 superblock may be in a partition of {@code sectors}, in the order looked at. */
  static List<Candidate> candidates(long sectors) {
    return List.of(new Candidate("1.2", 8), new Candidate("1.1", 0),
        new Candidate("1.0", (sectors - 16) & ~7L));
  }

  /**
   * The layout, when {@code superblock} (read at {@code candidate}) is an md v1 superblock that
   * says it is there; empty otherwise.
   */
  static Optional<MemberLayout> of(long partitionStart, long partitionSectors,
      Candidate candidate, byte[] superblock) {
    ByteBuffer b = ByteBuffer.wrap(superblock).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0) != MAGIC || b.getInt(4) != 1 || b.getLong(144) != candidate.sector()) {
      return Optional.empty();
    }
    long used = b.getLong(80);
    long dataOffset = b.getLong(128);
    long dataSize = b.getLong(136);
    long sectors = used > 0 && used <= dataSize ? used : dataSize;
    return Optional.of(new MemberLayout(partitionStart * SECTOR, partitionSectors * SECTOR,
        candidate.metadata(), (partitionStart + dataOffset) * SECTOR, sectors * SECTOR));
  }

  /**
   * The bytes of the disk that {@code offset} and {@code length} into the data area name; both
   * zero: the middle {@code defaultLength} bytes. INVALID_ARGUMENT, naming the area, for a range
   * that leaves it.
   */
  Range range(long offset, long length, long defaultLength, long maxLength) {
    long len = length == 0 ? Math.min(defaultLength, dataLength) : length;
    long off = offset == 0 && length == 0 ? (dataLength - len) / 2 / SECTOR * SECTOR : offset;
    if (len > maxLength) {
      throw RaidvmException.invalidArgument("a corruption of %d bytes is too long: at most %d",
          len, maxLength);
    }
    if (off < 0 || len <= 0 || off > dataLength - len) {
      throw RaidvmException.invalidArgument("offset %d and length %d leave the md data area of"
          + " the member (%d bytes, metadata %s, at byte %d of the disk): give an offset from 0"
          + " to %d into the data area", off, len, dataLength, metadata, dataStart,
          Math.max(dataLength - len, 0));
    }
    return new Range(dataStart + off, len);
  }

  /** Bytes of the disk: where and how many. */
  public record Range(long offset, long length) {}
}
