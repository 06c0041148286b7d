package io.raidvm.agent.md;

import io.raidvm.agent.boot.BootConfig;
import io.raidvm.agent.boot.BootTimes;
import io.raidvm.agent.boot.Initramfs;
import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Member;
import io.raidvm.api.agent.v1.RetirePlan;
import io.raidvm.api.agent.v1.RetireStep;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Takes an array out of service for good, in an order that never leaves the guest unbootable or
 * an array half there: unmount, its fstab lines out (the next boot must not wait for it), its
 * mdadm.conf lines out, stop, zero each member's superblock (nothing assembles it again), then
 * update the initramfs (which carries its own mdadm.conf). The plan is worked out from what the
 * guest shows now, so each step that is done already is skipped: a retire cut off half way is
 * finished by the same call again — by UUID once the array no longer runs, since its name then
 * finds nothing.
 */
public final class ArrayRetirement {

  private final Mdadm mdadm;
  private final DeviceResolver resolver;
  private final DeviceLocks locks;
  private final SysfsBlock sysfs;
  private final ArrayInspector inspector;
  private final ArrayStopper stopper;
  private final BootConfig boot;
  private final BootTimes times;
  private final Initramfs initramfs;

  public ArrayRetirement(MdContext md, ArrayStopper stopper, BootConfig boot, BootTimes times,
      Initramfs initramfs) {
    this.mdadm = md.mdadm();
    this.resolver = md.resolver();
    this.locks = md.locks();
    this.sysfs = md.sysfs();
    this.inspector = md.inspector();
    this.stopper = stopper;
    this.boot = boot;
    this.times = times;
    this.initramfs = initramfs;
  }

  /** The array to retire: its name, UUID, whether it runs, its members' devices. */
  private record Target(String name, String uuid, Optional<BlockDeviceRef> running,
      List<String> members) {}

  /** One step of the plan and how to carry it out. */
  private record Step(RetireStep step, Runnable action) {
    boolean toDo() {
      return step.getState() == RetireStep.State.TO_DO;
    }
  }

  /**
   * The plan, and with {@code execute} its steps carried out in order. Everything is checked
   * before the first change.
   *
   * @param array "md127"; may be "" when {@code uuid} is given
   * @param uuid the array's UUID; needed once the array no longer runs
   */
  public RetirePlan retire(String array, String uuid, boolean execute) {
    Target t = target(array, uuid);
    List<String> keys = new ArrayList<>();
    if (!t.name().isEmpty()) {
      keys.add(t.name());
    }
    t.members().stream().map(m -> sysfs.diskOf(Path.of(m).getFileName().toString())).distinct()
        .forEach(keys::add);
    try (DeviceLocks.Lease lease = locks.acquire("RetireArray " + describe(t), keys)) {
      List<Step> steps = plan(t);
      RetirePlan.Builder plan = RetirePlan.newBuilder().setArray(t.name()).setUuid(t.uuid());
      if (!execute) {
        steps.forEach(s -> plan.addSteps(s.step()));
        return plan.build();
      }
      List<String> done = new ArrayList<>();
      for (Step s : steps) {
        if (s.toDo()) {
          run(t, s, done);
          done.add(s.step().getAction());
          plan.addSteps(s.step().toBuilder().setState(RetireStep.State.DONE));
        } else {
          plan.addSteps(s.step());
        }
      }
      if (steps.get(steps.size() - 1).toDo()) {
        plan.setInitramfs(initramfs.update());
      }
      return plan.build();
    }
  }

  private Target target(String array, String uuid) {
    if (array.isEmpty() && uuid.isEmpty()) {
      throw RaidvmException.invalidArgument("name the array to retire, or give its UUID");
    }
    Optional<String> name = array.isEmpty() ? inspector.withUuid(uuid)
        : Optional.of(resolver.arrayName(array)).filter(sysfs::exists);
    if (name.isPresent()) {
      Array a = inspector.get(name.get());
      if (!uuid.isEmpty() && !ExamineScan.hex(uuid).equals(ExamineScan.hex(a.getUuid()))) {
        throw RaidvmException.failedPrecondition("%s has UUID %s, not %s: check which array to"
            + " retire", name.get(), a.getUuid(), uuid);
      }
      return new Target(name.get(), a.getUuid(), Optional.of(resolver.resolveArray(name.get())),
          a.getMembersList().stream().map(Member::getDevice).toList());
    }
    if (uuid.isEmpty()) {
      throw RaidvmException.notFound("no array %s runs: to finish retiring one that was stopped"
          + " already, give its UUID (the plan and raidctl raid stop print it)", array);
    }
    List<String> members = ExamineScan.parse(mdadm.examineScan()).find(uuid)
        .map(ExamineScan.Entry::devices).orElse(List.of());
    return new Target(array.isEmpty() ? "" : resolver.arrayName(array), uuid, Optional.empty(),
        members);
  }

  /** Every step, each TO_DO or ALREADY_DONE; refuses what the retire cannot do safely. */
  private List<Step> plan(Target t) {
    List<Step> steps = new ArrayList<>();
    String name = t.name();
    List<String> fstab = List.of();
    Set<String> points = new HashSet<>();
    if (t.running().isPresent()) {
      stopper.requireNotReshaping(name);
      ArrayStopper.Use use = stopper.use(t.running().get());
      ArrayStopper.requireStoppable(name, use, true);
      for (String point : use.mountPoints()) {
        steps.add(step("unmount " + point, true, "", () -> stopper.unmount(name, point)));
      }
      fstab = use.fstabLines();
      points.addAll(use.mountPoints());
    }
    BlockDeviceRef dev = t.running().orElse(null);
    steps.add(step("remove its lines from /etc/fstab", !fstab.isEmpty(),
        fstab.isEmpty() ? "no line mounts it" : String.join("\n", fstab),
        () -> boot.removeFstabLines(dev, points)));
    List<String> conf = boot.mdadmConfEntries(t.uuid());
    steps.add(step("remove its ARRAY line from /etc/mdadm/mdadm.conf", !conf.isEmpty(),
        conf.isEmpty() ? "no ARRAY line for UUID " + t.uuid() : String.join("\n", conf),
        () -> boot.removeArray(t.uuid())));
    steps.add(step("stop " + (name.isEmpty() ? "the array" : "/dev/" + name),
        t.running().isPresent(), t.running().isPresent() ? "mdadm --stop /dev/" + name
            : "not running", () -> stopper.stopNow(name)));
    for (String member : t.members()) {
      steps.add(step("zero the md superblock of " + member, true,
          "mdadm --zero-superblock " + member, () -> mdadm.zeroSuperblock(Path.of(member))));
    }
    if (t.members().isEmpty()) {
      steps.add(step("zero the members' md superblocks", false,
          "no device carries the superblock of " + t.uuid(), () -> { }));
    }
    boolean stale = !conf.isEmpty() || times.state().getInitramfsStale();
    steps.add(step("update the initramfs", stale, stale ? "update-initramfs -u"
        : "the initramfs is newer than mdadm.conf", () -> { }));
    return steps;
  }

  private static Step step(String action, boolean toDo, String detail, Runnable run) {
    return new Step(RetireStep.newBuilder().setAction(action).setDetail(detail)
        .setState(toDo ? RetireStep.State.TO_DO : RetireStep.State.ALREADY_DONE).build(), run);
  }

  /** Runs a step; a failure says what was done and how to go on. */
  private static void run(Target t, Step s, List<String> done) {
    try {
      s.action().run();
    } catch (RaidvmException e) {
      throw new RaidvmException(e.kind(), String.format("retire of %s stopped at \"%s\": %s."
          + " Done before it: %s. To go on: fix the cause and run the same retire again%s",
          describe(t), s.step().getAction(), e.getMessage(),
          done.isEmpty() ? "nothing" : String.join(", ", done),
          done.stream().anyMatch(d -> d.startsWith("stop")) || t.running().isEmpty()
              ? " with --uuid " + t.uuid() : ""), e);
    }
  }

  private static String describe(Target t) {
    return (t.name().isEmpty() ? "array" : "/dev/" + t.name()) + " (UUID " + t.uuid() + ")";
  }
}
