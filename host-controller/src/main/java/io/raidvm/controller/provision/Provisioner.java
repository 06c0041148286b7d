package io.raidvm.controller.provision;

import com.google.protobuf.util.Durations;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.raidvm.api.controller.v1.ProvisionArray;
import io.raidvm.api.controller.v1.ProvisionEvent;
import io.raidvm.api.controller.v1.ProvisionFilesystem;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.api.controller.v1.ProvisionStepState;
import io.raidvm.api.controller.v1.ProvisionSummary;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.Statuses;
import io.raidvm.controller.agent.AgentUpgrader;
import io.raidvm.controller.disk.DiskManager;
import io.raidvm.controller.image.ImageManager;
import io.raidvm.controller.vm.VmManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs a provision: the spec checked whole, then each step in order, each reported as it starts,
 * progresses and ends, then the checks. Nothing is remembered between runs: every step reads the
 * machine, which is what makes a second run finish an interrupted one.
 */
public final class Provisioner {

  private final HostSteps host;
  private final VmManager vms;
  private final Function<String, Channel> agentChannel;
  private final AgentUpgrader upgrader;
  private final Duration readyTimeout;

  /** {@code agentChannel} gives the channel to a VM's agent once the VM runs. */
  public Provisioner(DiskManager disks, ImageManager images, VmManager vms,
      Function<String, Channel> agentChannel, AgentUpgrader upgrader, Duration readyTimeout) {
    this.host = new HostSteps(disks, images, vms);
    this.vms = vms;
    this.agentChannel = agentChannel;
    this.upgrader = upgrader;
    this.readyTimeout = readyTimeout;
  }

  /** Checks the spec and what exists on the host; INVALID_ARGUMENT or FAILED_PRECONDITION. */
  public ProvisionSpec plan(ProvisionSpec requested) {
    ProvisionSpec spec = ProvisionSpecs.complete(requested);
    host.requireNoConflict(spec);
    return spec;
  }

  /** Runs every step of a spec from {@link #plan}, then the checks; the summary comes last. */
  public ProvisionSummary run(ProvisionSpec spec, Consumer<ProvisionEvent> events) {
    long start = System.nanoTime();
    Guest guest = new Guest(spec.getVm(), () -> agentChannel.apply(spec.getVm()));
    GuestSteps inGuest = new GuestSteps(spec, guest);
    List<Step> steps = new ArrayList<>(List.of(
        new Step("disks", r -> host.disks(spec)),
        new Step("image", r -> host.image(spec, r)),
        new Step("vm", r -> host.vm(spec, readyTimeout)),
        new Step("agent", r -> agent(spec.getVm())),
        new Step("partition", inGuest::partition)));
    // Every array is created before the first sync is waited for: md syncs them side by side.
    List<ProvisionArray> arrays = ProvisionSpecs.arrays(spec);
    List<ProvisionFilesystem> filesystems = ProvisionSpecs.filesystems(spec);
    arrays.forEach(a -> steps.add(new Step("array", a.getName(), r -> inGuest.array(a))));
    arrays.forEach(a -> steps.add(new Step("sync", a.getName(),
        r -> inGuest.sync(a.getName(), r))));
    filesystems.forEach(f -> steps.add(new Step("filesystem", f.getArray(),
        r -> inGuest.filesystem(f, r))));
    filesystems.forEach(f -> steps.add(new Step("mount", f.getArray(), r -> inGuest.mount(f))));
    steps.addAll(List.of(
        new Step("persist", r -> inGuest.persist()),
        new Step("initramfs", inGuest::initramfs),
        new Step("reboot", r -> reboot(spec, inGuest))));
    for (Step step : steps) {
      runStep(spec.getVm(), step, events);
    }
    ProvisionSummary summary = Verifier.verify(spec, guest, inGuest).toBuilder()
        .setDuration(Durations.fromNanos(System.nanoTime() - start)).build();
    events.accept(ProvisionEvent.newBuilder().setState(ProvisionStepState.STEP_SUMMARY)
        .setMessage(summary.getVerified() ? "verified" : "NOT verified")
        .setSummary(summary).build());
    return summary;
  }

  /**
   * The guest's agent becomes this controller's before any guest step, so that every call the
   * steps make is one it knows (a VM made from an older image keeps its older agent otherwise).
   * An agent that cannot be upgraded now — an operation of an interrupted run still runs, or it
   * predates upgrades — is kept, and the step says why: the steps go on with it.
   */
  private Outcome agent(String vm) {
    if (upgrader.isCurrent(vm)) {
      return Outcome.alreadyDone("the agent runs this controller's agent jar");
    }
    try {
      return Outcome.done("%s", upgrader.upgrade(vm).getMessage());
    } catch (RaidvmException e) {
      if (e.kind() != RaidvmException.Kind.FAILED_PRECONDITION) {
        throw e;
      }
      return Outcome.skipped("the agent differs from this controller's and stays as it is: %s",
          e.getMessage());
    }
  }

  private Outcome reboot(ProvisionSpec spec, GuestSteps inGuest) {
    if (!spec.getVerifyByReboot()) {
      return Outcome.skipped("the spec does not ask to verify by reboot");
    }
    if (inGuest.bootedWithCurrentConfig()) {
      return Outcome.alreadyDone("the guest booted after the last change to mdadm.conf, fstab"
          + " and the initramfs");
    }
    vms.reboot(spec.getVm(), readyTimeout, false);
    return Outcome.done("rebooted; the agent answers again");
  }

  private void runStep(String vm, Step step, Consumer<ProvisionEvent> events) {
    if (Context.current().isCancelled()) {
      throw new RaidvmException(RaidvmException.Kind.CANCELLED, "provision cancelled before"
          + " step " + step.name() + (step.array().isEmpty() ? "" : " of " + step.array()));
    }
    long start = System.nanoTime();
    events.accept(event(step, ProvisionStepState.STEP_STARTED, "").build());
    Outcome outcome;
    try {
      outcome = step.body().run((message, progress) -> {
        ProvisionEvent.Builder e = event(step, ProvisionStepState.STEP_PROGRESS, message);
        if (progress != null) {
          e.setProgress(progress);
        }
        events.accept(e.build());
      });
    } catch (RuntimeException e) {
      RuntimeException failure = explained(vm, e);
      events.accept(event(step, ProvisionStepState.STEP_FAILED,
              Statuses.toStatus(failure).getStatus().getDescription())
          .setDuration(Durations.fromNanos(System.nanoTime() - start)).build());
      throw failure;
    }
    events.accept(event(step, outcome.state(), outcome.message())
        .setDuration(Durations.fromNanos(System.nanoTime() - start)).build());
  }

  /**
   * A step that failed UNAVAILABLE because the VM went away — an agent call on a broken channel
   * ("Channel shutdownNow invoked"), or no agent link any more — says how the VM went.
   */
  private RuntimeException explained(String vm, RuntimeException e) {
    if (Statuses.toStatus(e).getStatus().getCode() != Status.Code.UNAVAILABLE) {
      return e;
    }
    return vms.endOf(vm).<RuntimeException>map(end -> RaidvmException.unavailable("%s", end))
        .orElse(e);
  }

  private static ProvisionEvent.Builder event(Step step, ProvisionStepState state,
      String message) {
    return ProvisionEvent.newBuilder().setStep(step.name()).setArray(step.array()).setState(state)
        .setMessage(message == null ? "" : message);
  }
}
