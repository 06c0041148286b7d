package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.api.controller.v1.VmSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuCommandLineTest {

  private final VmPaths paths = new VmPaths(Path.of("/s/vms/vm1"));

  @Test
  void build_withDefaultsAndTwoDataDisks_isTheDesignedArgv() {
    VmSpec spec = VmSpec.newBuilder().setName("vm1").addDataDisks("d1").addDataDisks("d2")
        .build();
    List<String> argv = QemuCommandLine.build(spec, paths, List.of(
        new DataDisk("d1", Path.of("/s/disks/d1.qcow2")),
        new DataDisk("d2", Path.of("/s/disks/d2.qcow2"))), "tcg", "max");
    assertEquals(List.of("qemu-system-x86_64",
        "-name", "vm1",
        "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
        "-nodefaults",
        "-machine", "q35",
        "-accel", "tcg",
        "-cpu", "max",
        "-m", "1024",
        "-smp", "2",
        "-nic", "none",
        "-display", "none",
        "-device", "virtio-scsi-pci,id=scsi0",
        "-blockdev", "{\"driver\":\"file\",\"filename\":\"/s/vms/vm1/os.qcow2\","
            + "\"node-name\":\"os-file\"}",
        "-blockdev", "{\"driver\":\"qcow2\",\"file\":\"os-file\",\"node-name\":\"os\"}",
        "-device", "{\"driver\":\"scsi-hd\",\"bus\":\"scsi0.0\",\"channel\":0,\"scsi-id\":0,"
            + "\"lun\":0,\"drive\":\"os\",\"id\":\"disk-os\",\"serial\":\"os\",\"bootindex\":0}",
        "-blockdev", "{\"driver\":\"file\",\"filename\":\"/s/disks/d1.qcow2\","
            + "\"node-name\":\"d1-file\"}",
        "-blockdev", "{\"driver\":\"qcow2\",\"file\":\"d1-file\",\"node-name\":\"d1\"}",
        "-device", "{\"driver\":\"scsi-hd\",\"bus\":\"scsi0.0\",\"channel\":0,\"scsi-id\":1,"
            + "\"lun\":0,\"drive\":\"d1\",\"id\":\"disk-d1\",\"serial\":\"d1\"}",
        "-blockdev", "{\"driver\":\"file\",\"filename\":\"/s/disks/d2.qcow2\","
            + "\"node-name\":\"d2-file\"}",
        "-blockdev", "{\"driver\":\"qcow2\",\"file\":\"d2-file\",\"node-name\":\"d2\"}",
        "-device", "{\"driver\":\"scsi-hd\",\"bus\":\"scsi0.0\",\"channel\":0,\"scsi-id\":2,"
            + "\"lun\":0,\"drive\":\"d2\",\"id\":\"disk-d2\",\"serial\":\"d2\"}",
        "-device", "virtio-serial-pci,id=vser0",
        "-chardev", "socket,id=agent0,path=/s/vms/vm1/agent.sock,server=on,wait=off",
        "-device", "virtserialport,bus=vser0.0,chardev=agent0,name=io.raidvm.agent.0,"
            + "id=agentport0",
        "-device", "pvpanic",
        "-action", "panic=none",
        "-qmp", "unix:/s/vms/vm1/qmp.sock,server=on,wait=off",
        "-chardev", "file,id=console0,path=/s/vms/vm1/console.log,append=on",
        "-serial", "chardev:console0",
        "-pidfile", "/s/vms/vm1/qemu.pid",
        "-no-reboot"), argv);
    assertEquals(true, QemuCommandLine.rebootsCold(argv));
  }

  @Test
  void build_withMemoryVcpusAndKvm_usesThem() {
    VmSpec spec = VmSpec.newBuilder().setName("vm1").setMemoryMib(2048).setVcpus(4).build();
    List<String> argv = QemuCommandLine.build(spec, paths, List.of(), "kvm",
        "host,-arch-capabilities");
    assertEquals(List.of("-accel", "kvm", "-cpu", "host,-arch-capabilities", "-m", "2048",
        "-smp", "4"), argv.subList(argv.indexOf("-accel"), argv.indexOf("-accel") + 8));
    assertEquals(false, QemuCommandLine.rebootsCold(argv), "under KVM a reboot stays in QEMU");
  }

  @Test
  void build_dataDiskWhoseNameStartsWithDigit_getsShortNodeNamesAndItsNameAsSerial() {
    VmSpec spec = VmSpec.newBuilder().setName("vm1").addDataDisks("9-long-disk-name").build();
    List<String> argv = QemuCommandLine.build(spec, paths,
        List.of(new DataDisk("9-long-disk-name", Path.of("/d/9.qcow2"))), "tcg", "max");
    assertEquals("{\"driver\":\"scsi-hd\",\"bus\":\"scsi0.0\",\"channel\":0,\"scsi-id\":1,"
        + "\"lun\":0,\"drive\":\"d1\",\"id\":\"disk-9-long-disk-name\","
        + "\"serial\":\"9-long-disk-name\"}", argv.get(argv.indexOf("-blockdev") + 11));
  }

  @Test
  void build_pathWithComma_isEscapedInOptionStrings() {
    VmPaths odd = new VmPaths(Path.of("/s,x/vms/vm1"));
    List<String> argv = QemuCommandLine.build(VmSpec.newBuilder().setName("vm1").build(), odd,
        List.of(), "tcg", "max");
    assertEquals("unix:/s,,x/vms/vm1/qmp.sock,server=on,wait=off",
        argv.get(argv.indexOf("-qmp") + 1));
  }

  @Test
  void build_diskPathWithQuoteAndBackslash_isJsonEscapedAsBefore() {
    List<String> argv = QemuCommandLine.build(VmSpec.newBuilder().setName("vm1").build(), paths,
        List.of(new DataDisk("d1", Path.of("/s/a\"b\\c.qcow2"))), "tcg", "max");
    assertEquals("{\"driver\":\"file\",\"filename\":\"/s/a\\\"b\\\\c.qcow2\","
        + "\"node-name\":\"d1-file\"}", argv.get(argv.indexOf("-blockdev") + 7));
  }

  @Test
  void build_withQemuGuestAgent_addsItsPortOnTheSameBus_afterTheAgentsPort() {
    VmSpec spec = VmSpec.newBuilder().setName("vm1").setQemuGuestAgent(true).build();
    List<String> argv = QemuCommandLine.build(spec, paths, List.of(), "tcg", "max");
    int agentPort = argv.indexOf("virtserialport,bus=vser0.0,chardev=agent0,"
        + "name=io.raidvm.agent.0,id=agentport0");
    assertEquals(List.of(
        "-chardev", "socket,id=qga0,path=/s/vms/vm1/qga.sock,server=on,wait=off",
        "-device", "virtserialport,bus=vser0.0,chardev=qga0,name=org.qemu.guest_agent.0,"
            + "id=qgaport0",
        "-device", "pvpanic"), argv.subList(agentPort + 1, agentPort + 7));
  }
}
