package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GuestFilesTest {

  @Test
  void tuneInitramfs_setsModulesDepAndGzip_andUncommentsCompressLevel() {
    String conf = "# MODULES: [ most | dep ]\n\nMODULES=most\n\nCOMPRESS=zstd\n"
        + "# COMPRESSLEVEL: ...\n# COMPRESSLEVEL=3\n\nRUNSIZE=10%\n";

    assertEquals("# MODULES: [ most | dep ]\n\nMODULES=dep\n\nCOMPRESS=gzip\n"
        + "# COMPRESSLEVEL: ...\nCOMPRESSLEVEL=1\n\nRUNSIZE=10%\n", GuestFiles.tuneInitramfs(conf));
  }

  @Test
  void tuneInitramfs_addsSettingsThatAreMissing() {
    assertEquals("BUSYBOX=auto\nMODULES=dep\nCOMPRESS=gzip\nCOMPRESSLEVEL=1\n",
        GuestFiles.tuneInitramfs("BUSYBOX=auto"));
  }

  @Test
  void lockRoot_prefixesRootsPasswordWithBang_andLeavesOthers() {
    String shadow = "systemd-network:!*:20782::::::\nroot:*:20782:0:99999:7:::\ndaemon:*:1::::::\n";

    assertEquals("systemd-network:!*:20782::::::\nroot:!*:20782:0:99999:7:::\ndaemon:*:1::::::\n",
        GuestFiles.lockRoot(shadow));
    assertEquals(GuestFiles.lockRoot(shadow), GuestFiles.lockRoot(GuestFiles.lockRoot(shadow)));
  }

  @Test
  void bundled_unitBindsToTheAgentPortAndTheRuleWantsTheUnit() {
    GuestFiles files = GuestFiles.bundled();
    String unit = new String(files.files().get("etc/systemd/system/raidvm-agent.service"),
        StandardCharsets.UTF_8);
    String rule = new String(files.files().get("etc/udev/rules.d/99-raidvm-agent.rules"),
        StandardCharsets.UTF_8);

    assertTrue(unit.contains("BindsTo=dev-virtio\\x2dports-io.raidvm.agent.0.device\n"), unit);
    assertTrue(unit.contains("After=dev-virtio\\x2dports-io.raidvm.agent.0.device\n"), unit);
    assertTrue(unit.contains("Restart=always\nRestartSec=1\n"), unit);
    assertTrue(unit.contains("ExecStart=/usr/bin/java -XX:-UsePerfData -XX:TieredStopAtLevel=1"
        + " -XX:+UseSerialGC -Xmx96m -Xss512k -jar /opt/raidvm/raidvm-agent.jar\n"), unit);
    assertTrue(rule.contains("SUBSYSTEM==\"virtio-ports\", ATTR{name}==\"io.raidvm.agent.0\","
        + " TAG+=\"systemd\", ENV{SYSTEMD_WANTS}=\"raidvm-agent.service\""), rule);
  }
}
