package io.raidvm.controller.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.FakeCommandRunner;
import io.raidvm.controller.Fixtures;
import io.raidvm.controller.access.AuditLog;
import io.raidvm.controller.disk.DiskFolder;
import io.raidvm.controller.disk.QemuImg;
import io.raidvm.controller.events.VmEventHubs;
import io.raidvm.controller.vm.AccelProbe;
import io.raidvm.controller.vm.QemuLauncher;
import io.raidvm.controller.vm.VmManager;
import io.raidvm.controller.vm.VmStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmAgentRouterTest {

  @TempDir
  Path state;
  @TempDir
  Path host;
  private VmManager vms;
  private VmAgentRouter router;

  @BeforeEach
  void setUp() throws IOException {
    Files.writeString(host.resolve("kvm"), "");
    Files.writeString(host.resolve("cpuinfo"), Fixtures.read("cpuinfo/with-vmx.edited.txt"));
    FakeCommandRunner runner = new FakeCommandRunner()
        .on(List.of("qemu-img", "create"), (c, lines) -> {
          Path overlay = Path.of(c.argv().get(c.argv().size() - 1));
          Files.writeString(overlay, "");
          return FakeCommandRunner.ok(c, "");
        });
    AgentLinks links = new AgentLinks(new VmEventHubs(10, Runnable::run), new AuditLog(state));
    vms = new VmManager(new VmStore(state), new DiskFolder(state), ref -> Path.of("/images/a"),
        new QemuImg(runner), new QemuLauncher(runner),
        new AccelProbe(host.resolve("kvm"), host.resolve("cpuinfo")), links,
        (vm, kind, disk, detail) -> { });
    router = new VmAgentRouter(vms, links);
  }

  @Test
  void channelTo_aCrashedVm_failsWithUnavailableSayingWhy() {
    vms.create(VmSpec.newBuilder().setName("vm1").build());
    new VmStore(state).setDesiredRunning("vm1", true);

    var e = assertThrows(RaidvmException.class, () -> router.channelTo("vm1"));

    assertEquals(RaidvmException.Kind.UNAVAILABLE, e.kind());
    assertEquals("the agent of VM 'vm1' is not connected (VM state CRASHED: QEMU ended without"
        + " being asked to)", e.getMessage());
    assertEquals(Optional.empty(), router.endOf("vm1"), "no end seen by this controller");
  }

  @Test
  void channelTo_aStoppedVm_failsWithUnavailableNamingItsState() {
    vms.create(VmSpec.newBuilder().setName("vm1").build());

    var e = assertThrows(RaidvmException.class, () -> router.channelTo("vm1"));

    assertEquals("the agent of VM 'vm1' is not connected (VM state STOPPED)", e.getMessage());
  }
}
