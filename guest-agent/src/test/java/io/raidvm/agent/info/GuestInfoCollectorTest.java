package io.raidvm.agent.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.api.agent.v1.AgentProcess;
import io.raidvm.api.agent.v1.GuestInfo;
import io.raidvm.api.agent.v1.ToolVersion;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.FakeCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestInfoCollectorTest {

  private static final HardwareFacts HARDWARE =
      new HardwareFacts("QEMU Virtual CPU version 2.5+", 2, 1_029_000_000L, 800_000_000L, 42);
  private static final AgentProcess AGENT = AgentProcess.newBuilder()
      .setVersion("0.1.0").setPid(321).setJavaVersion("17.0.15+6").build();

  @TempDir
  Path root;

  @BeforeEach
  void guestFiles() throws IOException {
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/os-release"), Fixtures.read("os-release/debian-12"));
    Path kernel = Files.createDirectories(root.resolve("proc/sys/kernel"));
    Files.writeString(kernel.resolve("hostname"), "vm1\n");
    Files.writeString(kernel.resolve("osrelease"), "6.1.0-28-amd64\n");
  }

  private static FakeCommandRunner allTools() {
    return new FakeCommandRunner()
        .answer(Tool.MDADM.command().argv(), 0, "", Fixtures.read("mdadm/version.stderr"))
        .answer(Tool.PARTED.command().argv(), 0, Fixtures.read("parted/version.stdout"), "")
        .answer(Tool.E2FSPROGS.command().argv(), 0, "", Fixtures.read("mke2fs/version.stderr"));
  }

  @Test
  void collect_reportsOsKernelHardwareToolsAndAgent() {
    GuestInfo info =
        new GuestInfoCollector(allTools(), () -> HARDWARE, root, () -> AGENT).collect();

    assertEquals("vm1", info.getHostname());
    assertEquals("6.1.0-28-amd64", info.getKernelRelease());
    assertEquals("Debian GNU/Linux 12 (bookworm)", info.getOsPrettyName());
    assertEquals("debian", info.getOsId());
    assertEquals("12", info.getOsVersionId());
    assertEquals("QEMU Virtual CPU version 2.5+", info.getCpuModel());
    assertEquals(2, info.getLogicalCpus());
    assertEquals(1_029_000_000L, info.getMemoryTotalBytes());
    assertEquals(800_000_000L, info.getMemoryAvailableBytes());
    assertEquals(42, info.getUptimeSeconds());
    assertEquals(List.of("mdadm 4.2", "parted 3.5", "e2fsprogs 1.47.0"),
        info.getToolsList().stream().map(t -> t.getName() + " " + t.getVersion()).toList());
    assertEquals(AGENT, info.getAgent());
  }

  @Test
  void collect_afterTheOsReleaseChanged_reportsTheNewRelease_andTheRunningKernelStill()
      throws IOException {
    GuestInfoCollector collector =
        new GuestInfoCollector(allTools(), () -> HARDWARE, root, () -> AGENT);
    collector.collect();
    // An upgrade in place rewrites os-release; the running kernel stays until a reboot.
    Files.writeString(root.resolve("etc/os-release"),
        "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\nID=debian\nVERSION_ID=\"13\"\n");
    Files.writeString(root.resolve("proc/sys/kernel/osrelease"), "6.12.0-1-amd64\n");

    GuestInfo info = collector.collect();

    assertEquals("Debian GNU/Linux 13 (trixie)", info.getOsPrettyName());
    assertEquals("13", info.getOsVersionId());
    assertEquals("6.1.0-28-amd64", info.getKernelRelease());
  }

  @Test
  void toolVersions_areAskedOnce_notOnEveryCall() {
    FakeCommandRunner runner = allTools();
    GuestInfoCollector collector =
        new GuestInfoCollector(runner, () -> HARDWARE, root, () -> AGENT);

    GuestInfo first = collector.collect();
    GuestInfo second = collector.collect();

    assertEquals(List.of("mdadm", "parted", "mke2fs"), runner.programs());
    assertEquals(first.getToolsList(), second.getToolsList());
  }

  @Test
  void toolVersionsThatFailed_areAskedAgain_byTheNextCall() {
    FakeCommandRunner runner = new FakeCommandRunner().otherwise((command, lines) -> {
      throw RaidvmException.deadlineExceeded("mdadm did not finish");
    });
    GuestInfoCollector collector =
        new GuestInfoCollector(runner, () -> HARDWARE, root, () -> AGENT);
    assertThrows(RaidvmException.class, collector::collect);

    runner.answer(Tool.MDADM.command().argv(), 0, "", Fixtures.read("mdadm/version.stderr"))
        .answer(Tool.PARTED.command().argv(), 0, Fixtures.read("parted/version.stdout"), "")
        .answer(Tool.E2FSPROGS.command().argv(), 0, "", Fixtures.read("mke2fs/version.stderr"));

    assertEquals("4.2", collector.collect().getTools(0).getVersion());
  }

  @Test
  void missingTool_isReportedWithAnEmptyVersion_notAsAFailure() {
    FakeCommandRunner runner = allTools().missing("mdadm");

    GuestInfo info = new GuestInfoCollector(runner, () -> HARDWARE, root, () -> AGENT).collect();

    assertEquals(ToolVersion.newBuilder().setName("mdadm").build(), info.getTools(0));
    assertEquals("3.5", info.getTools(1).getVersion());
  }

  @Test
  void toolThatHangs_failsGetInfo() {
    RaidvmException timeout = RaidvmException.deadlineExceeded("mdadm did not finish");
    GuestInfoCollector collector = new GuestInfoCollector(
        new FakeCommandRunner().otherwise((command, lines) -> {
          throw timeout;
        }), () -> HARDWARE, root, () -> AGENT);

    assertEquals(timeout, assertThrows(RaidvmException.class, collector::collect));
  }

  @Test
  void withoutOsRelease_theOsFieldsAreEmpty() throws IOException {
    Files.delete(root.resolve("etc/os-release"));

    GuestInfo info =
        new GuestInfoCollector(allTools(), () -> HARDWARE, root, () -> AGENT).collect();

    assertEquals("", info.getOsPrettyName());
    assertEquals("", info.getOsId());
  }

  @Test
  void thisProcess_describesTheRunningJvm() {
    AgentProcess self = GuestInfoCollector.thisProcess();

    assertEquals(ProcessHandle.current().pid(), self.getPid());
    assertEquals(Runtime.version().toString(), self.getJavaVersion());
    assertEquals("unpackaged", self.getVersion());
    assertTrue(self.getStartedAt().getSeconds() > 0);
    assertTrue(self.getCpuMillis() > 0, "this JVM has used some CPU by now");
  }
}
