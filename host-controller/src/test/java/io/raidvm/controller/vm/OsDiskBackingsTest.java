package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.controller.Fixtures;
import io.raidvm.common.process.FakeCommandRunner;
import io.raidvm.controller.disk.QemuImg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsDiskBackingsTest {

  @TempDir
  Path state;

  /** A VM with a spec, and with an OS disk file unless {@code osDisk} is false. */
  private VmPaths vm(VmStore vms, String name, boolean osDisk) throws IOException {
    VmPaths paths = vms.createFolder(name);
    vms.writeSpec(VmSpec.newBuilder().setName(name).build());
    if (osDisk) {
      Files.writeString(paths.osDisk(), "qcow2");
    }
    return paths;
  }

  @Test
  void backingFiles_areWhatQemuImgSaysOfEachOsDisk_forVmsThatHaveOne() throws IOException {
    VmStore vms = new VmStore(state);
    Path vm1 = vm(vms, "vm1", true).osDisk();
    Path vm2 = vm(vms, "vm2", true).osDisk();
    vm(vms, "vm3", false);
    FakeCommandRunner runner = new FakeCommandRunner().otherwise((c, lines) ->
        FakeCommandRunner.ok(c, Fixtures.read(c.argv().contains(vm1.toString())
            ? "qemu-img/info-overlay.json" : "qemu-img/info-qcow2.json")));

    Map<String, Path> backings = new OsDiskBackings(vms, new QemuImg(runner)).backingFiles();

    assertEquals(Map.of("vm1", Path.of("/tmp/cap/d1.qcow2")), backings);
    assertEquals(List.of(List.of("qemu-img", "info", "--output=json", "-U", vm1.toString()),
        List.of("qemu-img", "info", "--output=json", "-U", vm2.toString())), runner.calls());
  }

  @Test
  void backingFiles_whenAnOsDiskCannotBeRead_failsNamingTheVm() throws IOException {
    VmStore vms = new VmStore(state);
    vm(vms, "vm1", true);
    FakeCommandRunner runner = new FakeCommandRunner().otherwise((c, lines) ->
        FakeCommandRunner.failed(c, 1,
            "qemu-img: Could not open 'os.qcow2': Image is not in qcow2 format"));

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> new OsDiskBackings(vms, new QemuImg(runner)).backingFiles());

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().startsWith("cannot tell which image VM 'vm1' boots from,"
        + " so no image is deleted: qemu-img failed (exit 1): qemu-img: Could not open"),
        e.getMessage());
  }
}
