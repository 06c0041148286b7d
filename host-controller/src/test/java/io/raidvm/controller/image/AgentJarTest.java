package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentJarTest {

  @TempDir
  Path dir;

  @Test
  void aMissingJar_failsOnFirstUse_notBefore() throws Exception {
    AgentJar jar = AgentJar.from(dir.resolve("gone.jar").toUri().toURL());
    var e = assertThrows(RaidvmException.class, jar::version);
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().startsWith("cannot read the guest agent jar "), e.getMessage());
  }
}
