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
  /**
   * QEMU's seccomp filter: obsolete system calls, privilege changes (setuid and the like),
   * spawning processes (fork, exec) and changes of scheduling and CPU affinity are refused. QEMU
   * installs it while it parses its options, so it cannot daemonize under it (fork, setsid): the
   * controller starts it detached instead ({@link QemuLauncher}). See docs/design.md, "QEMU's
   * sandbox".
   */
  static final String SANDBOX =
      "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny";

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
        "-device", "virtio-scsi-pci,id=scsi0"));
    addDisk(argv, "os", paths.osDisk().toString(), 0, "os", true);
    for (int i = 0; i < dataDisks.size(); i++) {
      DataDisk disk = dataDisks.get(i);
      addDisk(argv, "d" + (i + 1), disk.path().toString(), i + 1, disk.name(), false);
    }
    argv.addAll(List.of(
        "-device", "virtio-serial-pci,id=vser0",
        "-chardev", "socket,id=agent0,path=" + option(paths.agentSocket().toString())
            + ",server=on,wait=off",
        "-device", "virtserialport,bus=vser0.0,chardev=agent0,name=" + AGENT_PORT_NAME
            + ",id=" + AGENT_PORT_ID,
        "-qmp", "unix:" + option(paths.qmpSocket().toString()) + ",server=on,wait=off",
        "-chardev", "file,id=console0,path=" + option(paths.consoleLog().toString())
            + ",append=on",
        "-serial", "chardev:console0",
        "-pidfile", paths.pidFile().toString()));
    return argv;
  }

  /** One qcow2 file as a scsi-hd; node names are short ids because QEMU limits them to 31. */
  private static void addDisk(List<String> argv, String node, String file, int scsiId,
      String serial, boolean boot) {
    argv.add("-blockdev");
    argv.add("{\"driver\":\"file\",\"filename\":" + json(file) + ",\"node-name\":\"" + node
        + "-file\"}");
    argv.add("-blockdev");
    argv.add("{\"driver\":\"qcow2\",\"file\":\"" + node + "-file\",\"node-name\":\"" + node
        + "\"}");
    argv.add("-device");
    argv.add("{\"driver\":\"scsi-hd\",\"bus\":\"scsi0.0\",\"channel\":0,\"scsi-id\":" + scsiId
        + ",\"lun\":0,\"drive\":\"" + node + "\",\"id\":\"disk-" + serial + "\",\"serial\":\""
        + serial + "\"" + (boot ? ",\"bootindex\":0" : "") + "}");
  }

  /** A value inside a QEMU option string: commas are doubled. */
  private static String option(String value) {
    return value.replace(",", ",,");
  }

  private static String json(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
