package io.raidvm.controller.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.FakeCommandRunner;
import io.raidvm.common.testing.TestResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The member layout read from real qemu-io dumps of md members (fixtures/qemu-io: metadata 1.2
 * on a 256 MiB disk, 1.0 on a 64 MiB one), the ranges a corruption may take, and the qemu-io
 * commands it runs.
 */
class DiskCorruptorTest {

  private static final Path DISK = Path.of("/state/disks/d2.qcow2");

  private static String dump(String name) {
    return TestResources.read("fixtures/qemu-io/" + name);
  }

  private static String read(long offset, int length) {
    return "read -v " + offset + " " + length;
  }

  private static List<String> readArgv(long offset, int length) {
    return List.of("qemu-io", "-r", "-f", "qcow2", "-c", read(offset, length), DISK.toString());
  }

  @Test
  void aDump_isReadBackByteForByte_andOneThatDoesNotCoverTheRangeIsAnError() {
    byte[] sb = QemuIo.parseRead(dump("superblock-1.2-256m.txt"), 1052672, 256);
    assertEquals((byte) 0xfc, sb[0]);
    assertEquals((byte) 0xa9, sb[3]);
    assertEquals("raidvm:127", new String(sb, 32, 10, java.nio.charset.StandardCharsets.US_ASCII));
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> QemuIo.parseRead("read failed: Input/output error\n", 0, 256));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertThrows(RaidvmException.class,
        () -> QemuIo.parseRead(dump("superblock-1.2-256m.txt"), 4096, 256));
  }

  @Test
  void metadata12_onA256MiBDisk_hasItsDataAreaTwoMiBIntoThePartition() {
    long[] partition = MemberLayout.partition(
        QemuIo.parseRead(dump("gpt-entry-256m.txt"), 1024, 128)).orElseThrow();
    assertArrayEquals(new long[] {2048, 0x7f7ff}, partition);
    long sectors = partition[1] - partition[0] + 1;
    MemberLayout layout = MemberLayout.of(2048, sectors, MemberLayout.candidates(sectors).get(0),
        QemuIo.parseRead(dump("superblock-1.2-256m.txt"), 1052672, 256)).orElseThrow();
    assertEquals(new MemberLayout(1L << 20, sectors * 512, "1.2", (2048L + 4096) * 512,
        0x7e000L * 512), layout);
  }

  @Test
  void metadata10_isFoundAtThePartitionsEnd_notAtItsStart() {
    long sectors = 0x1ffdeL - 2048 + 1;
    List<MemberLayout.Candidate> where = MemberLayout.candidates(sectors);
    assertEquals(new MemberLayout.Candidate("1.0", 128968), where.get(2));
    byte[] start = QemuIo.parseRead(dump("no-superblock-at-start-64m.txt"), 1048576, 256);
    assertTrue(MemberLayout.of(2048, sectors, where.get(1), start).isEmpty());
    byte[] end = QemuIo.parseRead(dump("superblock-1.0-64m.txt"), 67080192, 256);
    assertTrue(MemberLayout.of(2048, sectors, where.get(0), end).isEmpty(), "not at 1.2's place");
    MemberLayout layout = MemberLayout.of(2048, sectors, where.get(2), end).orElseThrow();
    assertEquals("1.0", layout.metadata());
    assertEquals(2048L * 512, layout.dataStart());
    assertEquals(0x1f400L * 512, layout.dataLength());
  }

  @Test
  void ranges_stayInTheDataArea_andSayWhereItIsWhenTheyWouldLeaveIt() {
    MemberLayout layout = new MemberLayout(1L << 20, 63L << 20, "1.0", 1L << 20, 62L << 20);
    assertEquals(new MemberLayout.Range((1L << 20) + (31L << 20) - (32L << 10), 64L << 10),
        layout.range(0, 0, 64L << 10, 16L << 20));
    assertEquals(new MemberLayout.Range((1L << 20) + 4096, 512),
        layout.range(4096, 512, 64L << 10, 16L << 20));
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> layout.range((62L << 20) - 100, 512, 64L << 10, 16L << 20));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("offset 65011612 and length 512 leave the md data area of the member (65011712"
        + " bytes, metadata 1.0, at byte 1048576 of the disk): give an offset from 0 to 65011200"
        + " into the data area", e.getMessage());
    assertThrows(RaidvmException.class, () -> layout.range(0, 17L << 20, 64L << 10, 16L << 20));
  }

  @Test
  void corrupt_readsTheLayout_thenWritesSeededBytes_withQemuIoOnTheQcow2() throws Exception {
    List<byte[]> written = new ArrayList<>();
    FakeCommandRunner runner = new FakeCommandRunner()
        .answer(readArgv(1024, 128), 0, dump("gpt-entry-64m.txt"), "")
        .answer(readArgv(1048576 + 4096, 256), 0, dump("no-superblock-4k-in-64m.txt"), "")
        .answer(readArgv(1048576, 256), 0, dump("no-superblock-at-start-64m.txt"), "")
        .answer(readArgv(67080192, 256), 0, dump("superblock-1.0-64m.txt"), "")
        .on(List.of("qemu-io", "-f", "qcow2", "-c"), (c, lines) -> {
          String[] words = c.argv().get(4).split(" ");
          try {
            written.add(Files.readAllBytes(Path.of(words[2])));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return FakeCommandRunner.ok(c, "wrote " + words[4] + "/" + words[4] + " bytes at offset "
              + words[3] + "\n");
        });

    DiskCorruptor.Corruption c = new DiskCorruptor(new QemuIo(runner)).corrupt("d2", DISK, 0, 0,
        7);

    long dataStart = 2048L * 512;
    long dataLength = 0x1f400L * 512;
    assertEquals(new MemberLayout.Range(dataStart + (dataLength - 65536) / 2, 65536), c.range());
    List<String> write = runner.calls().get(runner.calls().size() - 1);
    assertEquals("write -s", write.get(4).substring(0, 8));
    assertTrue(write.get(4).endsWith(" " + c.range().offset() + " 65536"), write.toString());
    assertEquals(DISK.toString(), write.get(5));
    assertArrayEquals(DiskCorruptor.pseudoRandom(7, 65536), written.get(0));
    assertEquals(false, Files.exists(Path.of(write.get(4).split(" ")[2])), "temp file removed");
  }

  @Test
  void aDiskWithoutPartitionOrSuperblock_isRefused_andNothingIsWritten() {
    FakeCommandRunner runner = new FakeCommandRunner()
        .answer(readArgv(1024, 128), 0, dump("gpt-entry-blank.txt"), "");
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> new DiskCorruptor(new QemuIo(runner)).corrupt("d2", DISK, 0, 0, 1));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind(), e.getMessage());
    assertTrue(e.getMessage().startsWith("disk 'd2' has no GPT partition"), e.getMessage());
    assertEquals(1, runner.calls().size());
  }
}
