package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuestFilesTest {

  @Test
  void tuneInitramfs_setsModulesListAndGzip_andUncommentsCompressLevel() {
    String conf = "# MODULES: [ most | dep ]\n\nMODULES=most\n\nCOMPRESS=zstd\n"
        + "# COMPRESSLEVEL: ...\n# COMPRESSLEVEL=3\n\nRUNSIZE=10%\n";

    assertEquals("# MODULES: [ most | dep ]\n\nMODULES=list\n\nCOMPRESS=gzip\n"
        + "# COMPRESSLEVEL: ...\nCOMPRESSLEVEL=1\n\nRUNSIZE=10%\n", GuestFiles.tuneInitramfs(conf));
  }

  @Test
  void tuneInitramfs_addsSettingsThatAreMissing() {
    assertEquals("BUSYBOX=auto\nMODULES=list\nCOMPRESS=gzip\nCOMPRESSLEVEL=1\n",
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
  void bundled_unitStartsEarlyWithTheArchive_andTheRuleWantsTheUnit() {
    GuestFiles files = GuestFiles.bundled();
    String unit = new String(files.files().get("etc/systemd/system/raidvm-agent.service"),
        StandardCharsets.UTF_8);
    String rule = new String(files.files().get("etc/udev/rules.d/99-raidvm-agent.rules"),
        StandardCharsets.UTF_8);

    assertTrue(unit.contains("DefaultDependencies=no\nAfter=systemd-remount-fs.service\n"), unit);
    assertTrue(unit.contains("WantedBy=sysinit.target\n"), unit);
    assertFalse(unit.contains("BindsTo="), "the agent waits for its port itself: " + unit);
    assertTrue(unit.contains("Restart=always\nRestartSec=1\n"), unit);
    assertTrue(unit.contains("ExecStart=/usr/bin/java -XX:-UsePerfData -XX:TieredStopAtLevel=1"
        + " -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=10000"
        + " -XX:GuaranteedSafepointInterval=0 -XX:+UseSerialGC -Xms16m -Xmx96m"
        + " -XX:-ShrinkHeapInSteps -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
        + " -XX:CICompilerCount=1 -Xss512k -Dio.netty.allocator.numDirectArenas=1"
        + " -Dio.netty.allocator.numHeapArenas=1 -Xshare:auto"
        + " -XX:SharedArchiveFile=/opt/raidvm/raidvm-agent.jsa"
        + " -jar /opt/raidvm/raidvm-agent.jar\n"), unit);
    assertTrue(rule.contains("SUBSYSTEM==\"virtio-ports\", ATTR{name}==\"io.raidvm.agent.0\","
        + " TAG+=\"systemd\", ENV{SYSTEMD_WANTS}=\"raidvm-agent.service\""), rule);
  }

  @Test
  void cacheKeyInputs_holdTheFilesAndTheSettingsThatAreNoFile() {
    GuestFiles files = GuestFiles.bundled();
    Map<String, byte[]> inputs = files.cacheKeyInputs();

    assertTrue(inputs.keySet().containsAll(files.files().keySet()));
    assertTrue(new String(inputs.get(":masked"), StandardCharsets.UTF_8)
        .contains("e2scrub_reap.service"));
    assertTrue(new String(inputs.get(":hooks-off"), StandardCharsets.UTF_8)
        .contains("hooks/dmsetup"));
    assertEquals("/usr/sbin/update-initramfs -u -k all",
        new String(inputs.get(":update-initramfs"), StandardCharsets.UTF_8));
  }
}
