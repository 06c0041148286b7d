package io.raidvm.controller.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.FakeCommandRunner;
import io.raidvm.controller.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiskManagerTest {

  @TempDir
  Path state;
  private FakeCommandRunner runner;
  private final Map<String, List<String>> listing = new java.util.HashMap<>();
  private final Map<String, List<String>> running = new java.util.HashMap<>();
  private DiskManager disks;
  /** What the free-space probe says of the disks' filesystem. */
  private long free = 80L << 30;

  @BeforeEach
  void setUp() {
    runner = new FakeCommandRunner()
        .on(List.of("qemu-img", "create"), (c, lines) -> {
          Files.createFile(Path.of(c.argv().get(c.argv().size() - 2)));
          return FakeCommandRunner.ok(c, "");
        })
        .on(List.of("qemu-img", "info"),
            (c, lines) -> FakeCommandRunner.ok(c, Fixtures.read("qemu-img/info-qcow2.json")));
    disks = new DiskManager(new DiskFolder(state), new QemuImg(runner), new DiskUsage() {
      @Override
      public List<String> vmsListing(String disk) {
        return listing.getOrDefault(disk, List.of());
      }

      @Override
      public List<String> runningVmsListing(String disk) {
        return running.getOrDefault(disk, List.of());
      }
    }, dir -> free);
  }

  @Test
  void create_makesQcow2UnderATempNameThenRenamesIt_andReportsNameAsSerial()
      throws Exception {
    DiskInfo disk = disks.create("d1", "64M");
    Path expected = state.resolve("disks/d1.qcow2");
    assertEquals(new DiskInfo("d1", expected, "qcow2", 67108864L, 200704L, List.of(), "d1"),
        disk);
    assertEquals(List.of("qemu-img", "create", "-q", "-f", "qcow2",
        state.resolve("disks/.d1.qcow2.partial").toString(), "67108864"), runner.calls().get(0));
    assertEquals(List.of(expected), regularFiles());
  }

  @Test
  void create_whenQemuImgFailsHalfWay_leavesNoFileBehind() throws Exception {
    runner.on(List.of("qemu-img", "create"), (c, lines) -> {
      Files.writeString(Path.of(c.argv().get(c.argv().size() - 2)), "QFI");
      return FakeCommandRunner.failed(c, 1, "qemu-img: No space left on device\n");
    });
    assertThrows(RaidvmException.class, () -> disks.create("d1", "64M"));
    assertEquals(List.of(), regularFiles());
  }

  @Test
  void list_ignoresTheTempFileOfACrashedCreate_andRemoveLeftoversDeletesIt() throws Exception {
    disks.create("d1", "64M");
    Path leftover = state.resolve("disks/.d2.qcow2.partial");
    Files.writeString(leftover, "QFI");
    Files.writeString(state.resolve("disks/notes.txt"), "x");
    assertEquals(List.of("d1"), disks.list().stream().map(DiskInfo::name).toList());

    disks.removeLeftovers();

    assertEquals(List.of(state.resolve("disks/d1.qcow2"), state.resolve("disks/notes.txt")),
        regularFiles());
  }

  private List<Path> regularFiles() throws Exception {
    return Fixtures.filesUnder(state).stream().filter(Files::isRegularFile).toList();
  }

  @Test
  void create_withBadName_failsWithInvalidArgumentAndTouchesNothing() throws Exception {
    var e = assertThrows(RaidvmException.class, () -> disks.create("Bad_Name", "64M"));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("disk name 'Bad_Name' is not valid: use 1 to 63 characters a-z, 0-9 and '-',"
        + " starting with a letter or digit", e.getMessage());
    assertEquals(List.of(), Fixtures.filesUnder(state));
    assertEquals(List.of(), runner.calls());
  }

  @ParameterizedTest
  @ValueSource(strings = {"os", "sdb", "md0", "vda", "nvme0n1", "loop0", "dm-0", "sr0",
      "d1-part1", "a23456789012345678901"})
  void create_withAReservedKernelStyleOrTooLongName_failsWithInvalidArgumentAndTouchesNothing(
      String name) throws Exception {
    var e = assertThrows(RaidvmException.class, () -> disks.create(name, "64M"));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().startsWith("disk name '" + name + "'"), e.getMessage());
    assertEquals(List.of(), Fixtures.filesUnder(state));
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void create_withBadSize_failsWithInvalidArgumentAndTouchesNothing() throws Exception {
    var e = assertThrows(RaidvmException.class, () -> disks.create("d1", "64Q"));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertEquals(List.of(), Fixtures.filesUnder(state));
    assertEquals(List.of(), runner.calls());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1000", "512K", "1048575", "1048577", "0"})
  void create_withASizeBelow1MiBOrNotAMultipleOf512_failsWithInvalidArgumentAndTouchesNothing(
      String size) throws Exception {
    var e = assertThrows(RaidvmException.class, () -> disks.create("d1", size));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertEquals(List.of(), Fixtures.filesUnder(state));
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void create_withASizeNotAMultipleOf512_saysSo() {
    var e = assertThrows(RaidvmException.class, () -> disks.create("d1", "1049088000001"));
    assertEquals("disk size 1049088000001 bytes is not a multiple of 512 bytes (a sector)",
        e.getMessage());
  }

  @Test
  void create_largerThanTheFreeSpace_failsWithInvalidArgumentAndTouchesNothing()
      throws Exception {
    free = 10L << 30;
    var e = assertThrows(RaidvmException.class, () -> disks.create("d1", "1024T"));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("disk size 1 PiB is more than the 10 GiB free where disks are kept ("
        + state.resolve("disks") + "): give a smaller size, or allow overcommit (raidctl disk"
        + " create --allow-overcommit) if the guest will never fill it", e.getMessage());
    assertEquals(List.of(), Fixtures.filesUnder(state));
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void create_largerThanTheFreeSpace_withAllowOvercommit_makesTheDisk() {
    free = 10L << 30;
    disks.create("d1", "11G", true);
    assertTrue(Files.exists(state.resolve("disks/d1.qcow2")));
  }

  @Test
  void create_whenQemuImgRefusesTheSize_failsWithInvalidArgument() {
    runner.on(List.of("qemu-img", "create"), (c, lines) -> FakeCommandRunner.failed(c, 1,
        "qemu-img: d1.qcow2: The image size is too large for file format 'qcow2'\n"));
    var e = assertThrows(RaidvmException.class, () -> disks.create("d1", "64M"));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains("The image size is too large"), e.getMessage());
  }

  @Test
  void create_whenNameTaken_failsWithAlreadyExists() {
    disks.create("d1", "64M");
    var e = assertThrows(RaidvmException.class, () -> disks.create("d1", "1G"));
    assertEquals(RaidvmException.Kind.ALREADY_EXISTS, e.kind());
    assertEquals(1, runner.calls().stream().filter(a -> a.get(1).equals("create")).count());
  }

  @Test
  void get_reportsVmsWhoseSpecListsTheDisk() {
    disks.create("d1", "64M");
    listing.put("d1", List.of("vm1", "vm2"));
    assertEquals(List.of("vm1", "vm2"), disks.get("d1").usedBy());
  }

  @Test
  void get_unknownDisk_failsWithNotFound() {
    var e = assertThrows(RaidvmException.class, () -> disks.get("nope"));
    assertEquals(RaidvmException.Kind.NOT_FOUND, e.kind());
    assertEquals("disk 'nope' does not exist", e.getMessage());
  }

  @Test
  void delete_whenRunningVmUsesDisk_failsWithFailedPreconditionAndKeepsIt() {
    disks.create("d1", "64M");
    running.put("d1", List.of("vm1"));
    var e = assertThrows(RaidvmException.class, () -> disks.delete("d1"));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("disk 'd1' is in use by running VM(s) vm1: stop them first", e.getMessage());
    assertTrue(Files.exists(state.resolve("disks/d1.qcow2")));
  }

  @Test
  void delete_whenOnlyStoppedVmsListIt_removesTheFile() {
    disks.create("d1", "64M");
    listing.put("d1", List.of("vm1"));
    disks.delete("d1");
    assertEquals(List.of(), disks.list());
  }
}
