package io.raidvm.controller.vm;

import io.raidvm.api.controller.v1.VmSpec;
import java.util.ArrayList;
import java.util.List;

/** Builds QEMU's argv for a VM (docs/design.md §3). Pure. */
public final class QemuCommandLine {

  public static final String PROGRAM = "qemu-system-x86_64";
  public static final String AGENT_PORT_NAME = "io.raidvm.agent.0";
  /** The QEMU device id of the agent port, as QMP's VSERPORT_CHANGE names it. */
  public static final String AGENT_PORT_ID = "agentport0";
  /** The port name qemu-ga's udev rule and systemd unit wait for. */
  public static final String QEMU_GUEST_AGENT_PORT_NAME = "org.qemu.guest_agent.0";
  /**
   * QEMU's seccomp filter: obsolete system calls, privilege changes (setuid and the like),
   * spawning processes (fork, exec) and changes of scheduling and CPU affinity are refused. QEMU
   * installs it while it parses its options, so it cannot daemonize under it (fork, setsid): the
   * controller starts it detached instead ({@link QemuLauncher}). See docs/design.md, "QEMU's
   * sandbox".
   */
  static final String SANDBOX =
      "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny";
  /**
   * Under TCG a guest's reboot ends QEMU instead of resetting it, and the controller starts a new
   * QEMU ({@code VmManager}): after a reset in the same process the translation cache still
   * holds the last boot's code, and every byte the next kernel's decompressor writes into a page
   * of it goes through QEMU's self-modifying-code path — seen: 13 minutes in the decompressor's
   * copy loop, with 1.35 million stale translation blocks (docs/design.md, "Reboot").
   */
  static final String COLD_REBOOT = "-no-reboot";
  /**
   * The guest's kernel reports a panic to QEMU's pvpanic device, QEMU sends QMP's GUEST_PANICKED
   * and otherwise lets the guest run: the kernel resets itself ({@code panic=} in raidvm images,
   * {@code BootConfig}), as libvirt's {@code on_crash=restart}, instead of QEMU's default of
   * shutting down.
   */
  static final List<String> PANIC = List.of("-device", "pvpanic", "-action", "panic=none");

  private QemuCommandLine() {}

  /**
   * The argv of a VM's QEMU. Data disks get scsi-ids 1, 2, ... in order; the OS disk has scsi-id 0
   * and serial "os". It does not daemonize: {@link QemuLauncher} starts it detached, so the VM
   * outlives the controller.
   */
  public static List<String> build(VmSpec spec, VmPaths paths, List<DataDisk> dataDisks,
      String accel, String cpu) {
    int memory = VmSpecs.memoryMib(spec.getMemoryMib());
    int vcpus = VmSpecs.vcpus(spec.getVcpus());
    List<String> argv = new ArrayList<>(List.of(PROGRAM,
        "-name", spec.getName(),
        "-sandbox", SANDBOX,
        "-nodefaults",
        "-machine", "q35",
        "-accel", accel,
        "-cpu", cpu,
        "-m", Integer.toString(memory),
        "-smp", Integer.toString(vcpus),
        "-nic", "none",
        "-display", "none",
        "-device", "virtio-scsi-pci,id=" + DiskDevice.CONTROLLER_ID));
    argv.addAll(DiskDevice.os(paths.osDisk()).argv());
    for (int i = 0; i < dataDisks.size(); i++) {
      argv.addAll(DiskDevice.data(i + 1, dataDisks.get(i)).argv());
    }
    argv.addAll(List.of(
        "-device", "virtio-serial-pci,id=vser0",
        "-chardev", "socket,id=agent0,path=" + option(paths.agentSocket().toString())
            + ",server=on,wait=off",
        "-device", "virtserialport,bus=vser0.0,chardev=agent0,name=" + AGENT_PORT_NAME
            + ",id=" + AGENT_PORT_ID));
    if (spec.getQemuGuestAgent()) {
      argv.addAll(qemuGuestAgentPort(paths));
    }
    argv.addAll(PANIC);
    argv.addAll(List.of(
        "-qmp", "unix:" + option(paths.qmpSocket().toString()) + ",server=on,wait=off",
        "-chardev", "file,id=console0,path=" + option(paths.consoleLog().toString())
            + ",append=on",
        "-serial", "chardev:console0",
        "-pidfile", paths.pidFile().toString()));
    if (accel.startsWith("tcg")) {
      argv.add(COLD_REBOOT);
    }
    return argv;
  }

  /**
   * qemu-ga's port on the same virtio-serial bus, for scripts/bench to compare with: a socket
   * QEMU listens on, like the agent's.
   */
  private static List<String> qemuGuestAgentPort(VmPaths paths) {
    return List.of(
        "-chardev", "socket,id=qga0,path=" + option(paths.qemuGuestAgentSocket().toString())
            + ",server=on,wait=off",
        "-device", "virtserialport,bus=vser0.0,chardev=qga0,name=" + QEMU_GUEST_AGENT_PORT_NAME
            + ",id=qgaport0");
  }

  /** Whether a QEMU run with {@code argv} ends when its guest reboots ({@link #COLD_REBOOT}). */
  public static boolean rebootsCold(List<String> argv) {
    return argv.contains(COLD_REBOOT);
  }

  /** A value inside a QEMU option string: commas are doubled. */
  private static String option(String value) {
    return value.replace(",", ",,");
  }
}
