package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
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

  @Test
  void theHashIsTheWholeFilesSha256_andTheVersionComesFromTheManifest() throws Exception {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "1.2.3");
    Path file = dir.resolve("agent.jar");
    byte[] payload = new byte[3 << 20];
    new Random(7).nextBytes(payload);
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      jar.putNextEntry(new JarEntry("big.bin"));
      jar.write(payload);
      jar.closeEntry();
    }
    AgentJar jar = AgentJar.from(file.toUri().toURL());
    assertEquals(HexFormat.of().formatHex(CacheKeys.sha256().digest(Files.readAllBytes(file))),
        jar.sha256());
    assertEquals("1.2.3", jar.version());
  }
}
