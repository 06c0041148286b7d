package io.raidvm.controller.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.api.controller.v1.ProvisionRequest;
import io.raidvm.api.controller.v1.ProvisionServiceGrpc;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.common.grpc.InProcessGrpc;
import io.raidvm.common.process.FakeCommandRunner;
import io.raidvm.controller.Fixtures;
import io.raidvm.controller.agent.AgentUpgrader;
import io.raidvm.controller.disk.DiskFolder;
import io.raidvm.controller.disk.DiskManager;
import io.raidvm.controller.disk.QemuImg;
import io.raidvm.controller.image.AgentJar;
import io.raidvm.controller.image.ImageManager;
import io.raidvm.controller.vm.AccelProbe;
import io.raidvm.controller.vm.QemuLauncher;
import io.raidvm.controller.vm.VmManager;
import io.raidvm.controller.vm.VmStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provision's refusals through its gRPC service, on a real state directory: bad input and specs
 * that conflict with what exists are refused before anything is created or started.
 */
class ProvisionGrpcServiceTest {

  @TempDir
  Path state;
  @TempDir
  Path host;
  private FakeCommandRunner runner;
  private VmManager vms;
  private InProcessGrpc grpc;
  private ProvisionServiceGrpc.ProvisionServiceBlockingStub stub;

  @BeforeEach
  void setUp() throws IOException {
    Files.writeString(host.resolve("kvm"), "");
    Files.writeString(host.resolve("cpuinfo"), "flags: fpu\n");
    // qemu-img info says 64 MiB of every disk; create makes the file (the tests then assert that
    // provision never called it); nothing else may run.
    runner = new FakeCommandRunner()
        .on(List.of("qemu-img", "info"),
            (c, lines) -> FakeCommandRunner.ok(c, Fixtures.read("qemu-img/info-qcow2.json")))
        .on(List.of("qemu-img", "create"), (c, lines) -> {
          Files.writeString(Path.of(c.argv().get(c.argv().size() - 1)), "qcow2");
          return FakeCommandRunner.ok(c, "");
        });
    DiskFolder disks = new DiskFolder(state);
    vms = new VmManager(new VmStore(state), disks, ref -> Path.of("/images/abc.qcow2"),
        new QemuImg(runner), new QemuLauncher(runner),
        new AccelProbe(host.resolve("kvm"), host.resolve("cpuinfo")),
        (vm, paths) -> {
          throw new AssertionError("nothing may start a VM here");
        }, (vm, kind, disk, detail) -> { });
    Provisioner provisioner = new Provisioner(new DiskManager(disks, new QemuImg(runner), vms,
        dir -> 1L << 40),
        new ImageManager(host.resolve("images"), runner, host, AgentJar.bundled(), Map::of),
        vms, vm -> {
          throw new AssertionError("nothing may reach an agent here");
        }, new AgentUpgrader(vm -> {
          throw new AssertionError("nothing may reach an agent here");
        }, vm -> VmState.STOPPED, AgentJar.bundled(), Duration.ZERO), Duration.ZERO);
    grpc = InProcessGrpc.serveDirect(new ProvisionGrpcService(provisioner));
    stub = ProvisionServiceGrpc.newBlockingStub(grpc.channel());
  }

  @AfterEach
  void tearDown() {
    grpc.close();
  }

  private StatusRuntimeException refused(ProvisionSpec.Builder spec) {
    return assertThrows(StatusRuntimeException.class, () -> stub.provision(
        ProvisionRequest.newBuilder().setSpec(spec).build()).hasNext());
  }

  private List<String> stateFiles() throws IOException {
    try (Stream<Path> files = Files.walk(state)) {
      return files.filter(Files::isRegularFile).map(p -> state.relativize(p).toString())
          .sorted().toList();
    }
  }

  private void disk(String name) throws IOException {
    Files.createDirectories(state.resolve("disks"));
    Files.writeString(state.resolve("disks/" + name + ".qcow2"), "qcow2");
  }

  @Test
  void badInput_isInvalidArgument_andNothingIsCreated() throws IOException {
    StatusRuntimeException e = refused(ProvisionSpec.newBuilder().setVm("demo")
        .setLevel("raid6").setDiskCount(3).setDiskSize("64M"));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("RAID 6 needs at least 4 devices, got 3"),
        e.getStatus().getDescription());
    assertEquals(List.of(), stateFiles());
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void aDiskOfAnotherSize_isRefusedNamingIt_beforeAnyOtherDiskIsCreated() throws IOException {
    disk("demo-d2");
    StatusRuntimeException e = refused(ProvisionSpec.newBuilder().setVm("demo")
        .setDiskSize("128M"));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith("disk demo-d2 exists with 64 MiB, the"
        + " spec says 128 MiB"), e.getStatus().getDescription());
    assertEquals(List.of("disks/demo-d2.qcow2"), stateFiles());
    assertTrue(runner.programs().stream().allMatch("qemu-img"::equals));
    assertTrue(runner.calls().stream().noneMatch(c -> c.contains("create")), "nothing created");
  }

  @Test
  void anExistingVmWithOtherSettings_isRefusedNamingEachDifference() throws IOException {
    for (int i = 1; i <= 4; i++) {
      disk("demo-d" + i);
    }
    vms.create(VmSpec.newBuilder().setName("demo").setMemoryMib(2048).setVcpus(2)
        .addAllDataDisks(List.of("demo-d1", "demo-d2", "demo-d3")).build());
    List<String> before = stateFiles();
    runner.clearCalls();

    StatusRuntimeException e = refused(ProvisionSpec.newBuilder().setVm("demo")
        .setDiskSize("64M"));

    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    String why = e.getStatus().getDescription();
    assertTrue(why.contains("VM demo exists with memory 2048 MiB (the spec says 1024 MiB)"), why);
    assertTrue(why.contains("data disks [demo-d1, demo-d2, demo-d3] (the spec says [demo-d1,"
        + " demo-d2, demo-d3, demo-d4])"), why);
    assertEquals(before, stateFiles());
    assertTrue(runner.calls().stream().noneMatch(c -> c.contains("create")), "nothing created");
  }
}
