package io.raidvm.controller.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.common.error.ToolException;
import io.raidvm.common.process.FakeCommandRunner;
import io.raidvm.controller.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuImgTest {

  @Test
  void create_runsQemuImgCreateQcow2WithSizeInBytes() {
    FakeCommandRunner runner = FakeCommandRunner.succeeding();
    new QemuImg(runner).create(Path.of("/s/disks/d1.qcow2"), 67108864L);
    assertEquals(List.of(List.of("qemu-img", "create", "-q", "-f", "qcow2", "/s/disks/d1.qcow2",
        "67108864")), runner.calls());
  }

  @Test
  void createOverlay_namesBackingFileAndItsFormat() {
    FakeCommandRunner runner = FakeCommandRunner.succeeding();
    new QemuImg(runner).createOverlay(Path.of("/s/vms/a/os.qcow2"), Path.of("/i/img.qcow2"));
    assertEquals(List.of(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-b",
        "/i/img.qcow2", "-F", "qcow2", "/s/vms/a/os.qcow2")), runner.calls());
  }

  @Test
  void info_asksForJsonWithoutTakingTheLock() {
    FakeCommandRunner runner = new FakeCommandRunner().on(List.of("qemu-img", "info"),
        (c, lines) -> FakeCommandRunner.ok(c, Fixtures.read("qemu-img/info-qcow2.json")));
    ImageInfo info = new QemuImg(runner).info(Path.of("/s/disks/d1.qcow2"));
    assertEquals(List.of(List.of("qemu-img", "info", "--output=json", "-U",
        "/s/disks/d1.qcow2")), runner.calls());
    assertEquals(67108864L, info.virtualSize());
  }

  @Test
  void info_whenQemuImgFails_carriesCommandAndStderr() {
    FakeCommandRunner runner = new FakeCommandRunner().on("qemu-img", (c, lines) ->
        FakeCommandRunner.failed(c, 1, "qemu-img: Could not open 'x.qcow2': No such file or"
            + " directory\n"));
    ToolException e = assertThrows(ToolException.class,
        () -> new QemuImg(runner).info(Path.of("x.qcow2")));
    assertEquals("qemu-img failed (exit 1): qemu-img: Could not open 'x.qcow2': No such file or"
        + " directory [command: qemu-img info --output=json -U x.qcow2]", e.getMessage());
  }
}
