package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentClassDataTest {

  private static final Path ROOT = Path.of("/build/mnt");

  @Test
  void command_isTheUnitsJvmAndOptions_dumpingWhereTheUnitMapsTheArchive() {
    String unit = "[Service]\nExecStart=/usr/bin/java -XX:+UseSerialGC -Xmx96m"
        + " -XX:SharedArchiveFile=/opt/a.jsa -jar /opt/a.jar\nRestart=always\n";

    assertEquals(List.of("unshare", "--mount", "--pid", "--fork", "--mount-proc=/build/mnt/proc",
        "chroot", "/build/mnt", "/usr/bin/java", "-XX:+UseSerialGC", "-Xmx96m",
        "-XX:ArchiveClassesAtExit=/opt/a.jsa", "-Xlog:cds*=error", "-cp", "/opt/a.jar",
        "io.raidvm.agent.ClassDataTraining"), AgentClassData.command(ROOT, unit).argv());
  }

  @Test
  void command_forTheBundledUnit_trainsTheAgentJarTheImageInstalls() {
    String unit = new String(GuestFiles.bundled().files().get(AgentClassData.UNIT),
        StandardCharsets.UTF_8);

    List<String> argv = AgentClassData.command(ROOT, unit).argv();

    assertTrue(argv.contains("-XX:ArchiveClassesAtExit=/opt/raidvm/raidvm-agent.jsa"), argv + "");
    assertEquals(List.of("-cp", "/" + GuestFiles.AGENT_PATH, AgentClassData.TRAINING_CLASS),
        argv.subList(argv.size() - 3, argv.size()));
  }

  @Test
  void command_refusesAUnitWithoutArchiveOrJar() {
    RaidvmException noArchive = assertThrows(RaidvmException.class, () -> AgentClassData.command(
        ROOT, "ExecStart=/usr/bin/java -Xmx96m -jar /opt/a.jar\n"));
    assertTrue(noArchive.getMessage().contains("-XX:SharedArchiveFile="), noArchive.getMessage());
    RaidvmException noJar = assertThrows(RaidvmException.class, () -> AgentClassData.command(
        ROOT, "ExecStart=/usr/bin/java -XX:SharedArchiveFile=/a.jsa -cp /a.jar Main\n"));
    assertTrue(noJar.getMessage().contains("-jar JAR"), noJar.getMessage());
    RaidvmException two = assertThrows(RaidvmException.class, () -> AgentClassData.command(
        ROOT, "ExecStart=/bin/true\nExecStart=/bin/false\n"));
    assertTrue(two.getMessage().contains("2 ExecStart lines"), two.getMessage());
  }
}
