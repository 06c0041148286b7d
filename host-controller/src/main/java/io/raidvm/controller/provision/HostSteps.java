package io.raidvm.controller.provision;

import io.raidvm.api.controller.v1.BuildImageRequest;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.common.Sizes;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.controller.disk.DiskInfo;
import io.raidvm.controller.disk.DiskManager;
import io.raidvm.controller.image.ImageManager;
import io.raidvm.controller.vm.VmManager;
import io.raidvm.controller.vm.VmSpecs;
import io.raidvm.controller.vm.VmStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/** The steps on the host: data disks, the guest image, the VM (created and running). */
final class HostSteps {

  private final DiskManager disks;
  private final ImageManager images;
  private final VmManager vms;

  HostSteps(DiskManager disks, ImageManager images, VmManager vms) {
    this.disks = disks;
    this.images = images;
    this.vms = vms;
  }

  /**
   * Everything on the host that exists but differs from the spec, so that a conflicting spec is
   * refused before the first step creates anything.
   */
  void requireNoConflict(ProvisionSpec spec) {
    long want = Sizes.parse(spec.getDiskSize());
    for (String name : ProvisionSpecs.diskNames(spec)) {
      existing(() -> disks.get(name)).ifPresent(d -> {
        if (d.virtualSize() != want) {
          throw RaidvmException.failedPrecondition("disk %s exists with %s, the spec says %s:"
              + " provision never resizes or replaces a disk; delete it (raidctl disk delete %s)"
              + " or change the spec", name, Sizes.human(d.virtualSize()), Sizes.human(want),
              name);
        }
      });
    }
    existing(() -> vms.get(spec.getVm())).ifPresent(vm -> requireSameVm(spec, vm.spec()));
  }

  /** Creates the missing disks; {@link #requireNoConflict} has vouched for the existing ones. */
  Outcome disks(ProvisionSpec spec) {
    List<String> created = new ArrayList<>();
    for (String name : ProvisionSpecs.diskNames(spec)) {
      if (existing(() -> disks.get(name)).isEmpty()) {
        disks.create(name, spec.getDiskSize());
        created.add(name);
      }
    }
    String size = Sizes.human(Sizes.parse(spec.getDiskSize()));
    return created.isEmpty()
        ? Outcome.alreadyDone("%d disks of %s exist", spec.getDiskCount(), size)
        : Outcome.done("created %s (%s each)", String.join(", ", created), size);
  }

  Outcome image(ProvisionSpec spec, Step.Reporter reporter) {
    if (existing(() -> vms.get(spec.getVm())).isPresent()) {
      return Outcome.alreadyDone("VM %s has its OS disk", spec.getVm());
    }
    AtomicBoolean built = new AtomicBoolean();
    var image = images.build(BuildImageRequest.getDefaultInstance(), p -> {
      built.compareAndSet(false, !p.getCached());
      reporter.progress(p.getStep() + ": " + p.getMessage(), null);
    });
    return built.get()
        ? Outcome.done("built image %s", image.getId())
        : Outcome.alreadyDone("image %s is cached", image.getId());
  }

  Outcome vm(ProvisionSpec spec, Duration readyTimeout) {
    String name = spec.getVm();
    Optional<VmStatus> found = existing(() -> vms.get(name));
    if (found.isEmpty()) {
      vms.create(VmSpec.newBuilder().setName(name).setMemoryMib(spec.getMemoryMib())
          .setVcpus(spec.getVcpus()).addAllDataDisks(ProvisionSpecs.diskNames(spec)).build());
      VmStatus started = vms.start(name, false, readyTimeout);
      return Outcome.done("created and started VM %s (%s, pid %d)", name, started.accel(),
          started.pid());
    }
    requireSameVm(spec, found.get().spec());
    VmState state = found.get().state();
    if (state == VmState.READY) {
      return Outcome.alreadyDone("VM %s runs and its agent answers", name);
    }
    if (state == VmState.STOPPED || state == VmState.CRASHED) {
      VmStatus started = vms.start(name, false, readyTimeout);
      return Outcome.done("started VM %s (%s, pid %d)", name, started.accel(), started.pid());
    }
    if (state == VmState.UNREACHABLE) {
      // Its QEMU runs unattached: start re-attaches, or refuses naming the pid.
      VmStatus attached = vms.start(name, false, readyTimeout);
      return Outcome.done("re-attached to VM %s (pid %d); its agent answers", name,
          attached.pid());
    }
    vms.awaitReady(name, readyTimeout);
    return Outcome.alreadyDone("VM %s runs and its agent answers", name);
  }

  private static void requireSameVm(ProvisionSpec spec, VmSpec vm) {
    List<String> differences = new ArrayList<>();
    int memory = VmSpecs.memoryMib(vm.getMemoryMib());
    int vcpus = VmSpecs.vcpus(vm.getVcpus());
    if (memory != spec.getMemoryMib()) {
      differences.add(String.format("memory %d MiB (the spec says %d MiB)", memory,
          spec.getMemoryMib()));
    }
    if (vcpus != spec.getVcpus()) {
      differences.add(String.format("%d vCPUs (the spec says %d)", vcpus, spec.getVcpus()));
    }
    if (!vm.getDataDisksList().equals(ProvisionSpecs.diskNames(spec))) {
      differences.add(String.format("data disks %s (the spec says %s)", vm.getDataDisksList(),
          ProvisionSpecs.diskNames(spec)));
    }
    if (!differences.isEmpty()) {
      throw RaidvmException.failedPrecondition("VM %s exists with %s: provision does not change"
          + " an existing VM; change the spec, or delete the VM (its data disks stay)",
          spec.getVm(), String.join(", ", differences));
    }
  }

  private static <T> Optional<T> existing(Supplier<T> lookup) {
    try {
      return Optional.of(lookup.get());
    } catch (RaidvmException e) {
      if (e.kind() == RaidvmException.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
