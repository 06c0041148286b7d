package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.raidvm.api.controller.v1.CreateDiskRequest;
import io.raidvm.api.controller.v1.CreateVmRequest;
import io.raidvm.api.controller.v1.GetVmRequest;
import io.raidvm.api.controller.v1.StartVmRequest;
import io.raidvm.api.controller.v1.VmSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The seed howto as a script over qemu-ga would run it, one {@code guest-exec} per command of the
 * howto: what scripts/bench times beside raidvm's Provision of the same layout (four disks, RAID
 * 5 with a 512 KiB chunk, metadata 1.0 and an internal bitmap, ext4 on /mnt/md127, mdadm.conf,
 * fstab, update-initramfs, then a reboot that must bring the array back mounted). The disks and
 * the VM come from the controller, as qemu-img and a QEMU command line would; raidvm's agent in
 * the image is turned off as soon as qemu-ga answers, so that no step after the first boot
 * shares the guest with it.
 */
final class HowtoOverQemuGuestAgent {

  private static final String ARRAY = "/dev/md127";
  private static final String MOUNT = "/mnt/md127";
  /** How often a step waits before asking whether its command has exited: a script's pause. */
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration BOOT = Duration.ofMinutes(20);
  private static final String AGENT_DROP_IN = "/etc/systemd/system/raidvm-agent.service.d";

  private final Stubs stubs;
  private final Path socket;
  private final String vm;

  private HowtoOverQemuGuestAgent(Stubs stubs, Path stateDir, String vm) {
    this.stubs = stubs;
    this.socket = stateDir.resolve("vms").resolve(vm).resolve("qga.sock");
    this.vm = vm;
  }

  /**
   * Runs the howto in a new VM {@code vm} of {@code image} (one with qemu-guest-agent) on new
   * disks {@code disks} of {@code size}; returns each step's seconds, in order, named as
   * Provision names its steps.
   */
  static Map<String, Double> run(Stubs stubs, Path stateDir, String vm, String image,
      List<String> disks, String size) throws Exception {
    return new HowtoOverQemuGuestAgent(stubs, stateDir, vm).steps(image, disks, size);
  }

  private Map<String, Double> steps(String image, List<String> disks, String size)
      throws Exception {
    Map<String, Double> seconds = new LinkedHashMap<>();
    long start = System.nanoTime();
    for (String d : disks) {
      stubs.disks().createDisk(CreateDiskRequest.newBuilder().setName(d).setSize(size).build());
    }
    start = lap(seconds, "disks", start);
    stubs.vms().createVm(CreateVmRequest.newBuilder().setSpec(VmSpec.newBuilder().setName(vm)
        .setImage(image).addAllDataDisks(disks).setQemuGuestAgent(true)).build());
    stubs.vms().startVm(StartVmRequest.newBuilder().setName(vm).setNoWait(true).build());
    QemuGuestAgent.firstPong(socket, Instant.now().plus(BOOT));
    start = lap(seconds, "vm", start);
    try (QemuGuestAgent qga = QemuGuestAgent.connect(socket)) {
      // Its unit is in /etc, where systemctl mask cannot go: a condition that never holds.
      run(qga, "/bin/sh", "-c", "mkdir -p " + AGENT_DROP_IN + " && printf '[Unit]\\n"
          + "ConditionPathExists=/nonexistent\\n' > " + AGENT_DROP_IN + "/off.conf"
          + " && systemctl daemon-reload && systemctl stop raidvm-agent.service");
      start = System.nanoTime();
      List<String> parts = new ArrayList<>();
      for (String d : disks) {
        String disk = "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_" + d;
        run(qga, "/sbin/parted", "-s", "-a", "optimal", disk, "mklabel", "gpt", "unit", "s",
            "mkpart", "primary", "2048s", "100%", "set", "1", "raid", "on");
        parts.add(disk + "-part1");
      }
      run(qga, "/bin/udevadm", "settle");
      start = lap(seconds, "partition", start);
      List<String> create = new ArrayList<>(List.of("--create", "--run", "--metadata", "1.0",
          ARRAY, "--chunk=512", "--level=5", "--bitmap=internal",
          "--raid-devices=" + parts.size()));
      create.addAll(parts);
      run(qga, "/sbin/mdadm", create.toArray(String[]::new));
      start = lap(seconds, "array", start);
      // mdadm --wait: 0 when it waited for the sync, 1 when there was none left to wait for.
      int waited = qga.exec("/sbin/mdadm", List.of("--wait", ARRAY), POLL).exitCode();
      assertTrue(Set.of(0, 1).contains(waited), "mdadm --wait exited " + waited);
      start = lap(seconds, "sync", start);
      run(qga, "/sbin/mkfs.ext4", "-F", ARRAY);
      start = lap(seconds, "filesystem", start);
      run(qga, "/bin/mkdir", "-p", MOUNT);
      run(qga, "/bin/mount", ARRAY, MOUNT);
      start = lap(seconds, "mount", start);
      run(qga, "/bin/sh", "-c", "mdadm --detail --scan >> /etc/mdadm/mdadm.conf");
      run(qga, "/bin/sh", "-c", "echo '" + ARRAY + " " + MOUNT
          + " ext4 defaults,nofail,discard 0 0' >> /etc/fstab");
      start = lap(seconds, "persist", start);
      run(qga, "/usr/sbin/update-initramfs", "-u");
      start = lap(seconds, "initramfs", start);
      reboot(qga);
    }
    try (QemuGuestAgent qga = QemuGuestAgent.connect(socket)) {
      String mdstat = run(qga, "/bin/cat", "/proc/mdstat");
      assertTrue(mdstat.contains("md127 : active raid5") && mdstat.contains("[4/4]"),
          "after the reboot md127 is not back whole:\n" + mdstat);
      run(qga, "/bin/findmnt", "-n", MOUNT);
    }
    lap(seconds, "reboot", start);
    return seconds;
  }

  /**
   * qemu-ga's {@code guest-shutdown} in mode reboot (it does not answer one that worked); under
   * TCG the controller starts the QEMU that follows the guest's reset. Returns when qemu-ga in
   * the new QEMU answers.
   */
  private void reboot(QemuGuestAgent qga) throws Exception {
    Instant before = startedAt();
    qga.send("guest-shutdown", JsonNodeFactory.instance.objectNode().put("mode", "reboot"));
    Instant deadline = Instant.now().plus(BOOT);
    while (startedAt().equals(before)) {
      assertTrue(Instant.now().isBefore(deadline), "no new QEMU after the guest's reboot");
      TimeUnit.MILLISECONDS.sleep(50);
    }
    QemuGuestAgent.firstPong(socket, deadline);
  }

  private Instant startedAt() {
    var t = stubs.vms().getVm(GetVmRequest.newBuilder().setName(vm).build()).getStartedAt();
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** Runs one command of the howto; it must exit 0. Returns what it printed. */
  private static String run(QemuGuestAgent qga, String path, String... args) {
    QemuGuestAgent.Exec exec = qga.exec(path, List.of(args), POLL);
    assertEquals(0, exec.exitCode(), path + " " + String.join(" ", args) + ":\n" + exec.out());
    return exec.out();
  }

  private static long lap(Map<String, Double> seconds, String step, long since) {
    long now = System.nanoTime();
    seconds.put(step, (now - since) / 1e9);
    return now;
  }
}
