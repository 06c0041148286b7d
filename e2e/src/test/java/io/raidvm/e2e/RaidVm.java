package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.raidvm.api.agent.v1.DisksGrpc;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.PartitionRequest;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.controller.v1.BuildImageRequest;
import io.raidvm.api.controller.v1.CreateDiskRequest;
import io.raidvm.api.controller.v1.CreateVmRequest;
import io.raidvm.api.controller.v1.Image;
import io.raidvm.api.controller.v1.StartVmRequest;
import io.raidvm.api.controller.v1.StopVmRequest;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.api.controller.v1.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real controller and one real VM with partitioned 64 MiB data disks, ready for RAID: what the
 * event tests and the events benchmark start from.
 */
final class RaidVm implements AutoCloseable {

  final String name;
  final ControllerProcess controller;
  final ManagedChannel channel;
  final Stubs stubs;

  private RaidVm(String name, ControllerProcess controller) {
    this.name = name;
    this.controller = controller;
    this.channel = controller.channel();
    this.stubs = new Stubs(channel);
  }

  /** Builds (or finds) the image, makes the disks, starts the VM, partitions every disk. */
  static RaidVm boot(String name, List<String> disks, String diskSize) throws Exception {
    return boot(name, disks, diskSize, List.of());
  }

  /** {@link #boot}, with {@code controllerOptions} on the controller's command line. */
  static RaidVm boot(String name, List<String> disks, String diskSize,
      List<String> controllerOptions) throws Exception {
    RaidVm vm = create(name, disks, diskSize, controllerOptions,
        BuildImageRequest.newBuilder().setSuite(Stubs.SUITE).build(), spec -> spec);
    vm.start(disks);
    return vm;
  }

  /**
   * A controller, the image {@code image} asks for, the disks and the VM (its spec as
   * {@code customize} makes it, booting that image), not started: {@link #start} starts it.
   */
  static RaidVm create(String name, List<String> disks, String diskSize,
      List<String> controllerOptions, BuildImageRequest image,
      UnaryOperator<VmSpec.Builder> customize) throws Exception {
    assertEquals("root", System.getProperty("user.name"), "run the VM tests as root");
    Path stateDir = TestFolders.create("raidvm-" + name + "-");
    Path imageDir = Path.of(System.getProperty("raidvm.image.dir", "/var/cache/raidvm/images"));
    RaidVm vm = new RaidVm(name,
        new ControllerProcess(stateDir, imageDir).start(controllerOptions));
    Image built = vm.stubs.buildImage(image);
    // The plain image of the tests' suite goes through the controller's choice (Stubs.vmImage);
    // one with extra packages is named.
    String imageId = image.getExtraPackagesList().isEmpty() ? Stubs.vmImage(built)
        : built.getId();
    for (String d : disks) {
      vm.stubs.disks().createDisk(CreateDiskRequest.newBuilder().setName(d).setSize(diskSize)
          .build());
    }
    vm.stubs.vms().createVm(CreateVmRequest.newBuilder().setSpec(customize.apply(
        VmSpec.newBuilder().setName(name).setImage(imageId).addAllDataDisks(disks))).build());
    return vm;
  }

  /** Starts the VM until it is ready, then partitions every one of {@code disks}. */
  void start(List<String> disks) {
    assertEquals(VmState.READY, stubs.vms().withDeadlineAfter(15, TimeUnit.MINUTES)
        .startVm(StartVmRequest.newBuilder().setName(name).build()).getState());
    for (String d : disks) {
      stubs.agent(name, DisksGrpc::newBlockingStub).withDeadlineAfter(5, TimeUnit.MINUTES)
          .partition(PartitionRequest.newBuilder().setDevice(d).build());
    }
  }

  RaidGrpc.RaidBlockingStub raid() {
    return stubs.agent(name, RaidGrpc::newBlockingStub).withDeadlineAfter(5, TimeUnit.MINUTES);
  }

  /** Follows an operation to its end; returns the final state. */
  Operation await(Operation started) {
    return stubs.await(name, started);
  }

  EventStream watch(String epoch, long after) {
    return EventStream.open(channel, name, epoch, after);
  }

  @Override
  public void close() throws Exception {
    try {
      // The test is over and nothing in its VM is kept: a reshape a failed test left is no
      // reason to leave QEMU running.
      stubs.vms().withDeadlineAfter(5, TimeUnit.MINUTES)
          .stopVm(StopVmRequest.newBuilder().setName(name).setInterruptReshape(true).build());
    } catch (StatusRuntimeException e) {
      System.out.println("stopping VM " + name + ": " + e.getStatus());
    } finally {
      channel.shutdownNow();
      controller.stop();
    }
  }
}
