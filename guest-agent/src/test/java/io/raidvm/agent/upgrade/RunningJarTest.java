package io.raidvm.agent.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunningJarTest {

  private static final byte[] JAR = "the agent's jar".getBytes(StandardCharsets.UTF_8);
  private static final Instant MODIFIED = Instant.parse("2026-12-03T07:00:00.123456789Z");
  /** A hash no jar here has: only the kept line can have given it. */
  private static final String KEPT_HASH = "ab".repeat(32);

  @TempDir
  Path root;
  private Path jar;
  private Path kept;

  @BeforeEach
  void aJar() throws IOException {
    jar = Files.createDirectories(root.resolve(RunningJar.PATH).getParent())
        .resolve(RunningJar.PATH.getFileName());
    Files.write(jar, JAR);
    Files.setLastModifiedTime(jar, FileTime.from(MODIFIED));
    kept = root.resolve(RunningJar.KEPT);
  }

  @Test
  void theFirstRead_hashesTheJar_andKeepsItWithTheJarsSizeAndTime() throws IOException {
    String hash = new RunningJar(root).sha256();

    assertEquals(Sha256.of(JAR), hash);
    assertEquals(JAR.length + " 1796281200123456789 " + hash + "\n", Files.readString(kept));
  }

  @Test
  void theNextAgentProcess_takesTheKeptHash_whileTheJarIsTheSame() throws IOException {
    keep(JAR.length + " 1796281200123456789 " + KEPT_HASH);

    assertEquals(KEPT_HASH, new RunningJar(root).sha256());
  }

  @Test
  void aJarWrittenSince_isHashedAgain_andReplacesWhatWasKept() throws IOException {
    keep(JAR.length + " 1796281200123456789 " + KEPT_HASH);
    Files.setLastModifiedTime(jar, FileTime.from(MODIFIED.plusNanos(1)));

    String hash = new RunningJar(root).sha256();

    assertEquals(Sha256.of(JAR), hash);
    assertTrue(Files.readString(kept).endsWith(" 1796281200123456790 " + hash + "\n"));
  }

  @Test
  void aJarOfAnotherSize_orAKeptLineThatDoesNotParse_isHashedAgain() throws IOException {
    keep((JAR.length + 1) + " 1796281200123456789 " + KEPT_HASH);
    assertEquals(Sha256.of(JAR), new RunningJar(root).sha256());

    keep(JAR.length + " 1796281200123456789 not-a-hash");
    assertEquals(Sha256.of(JAR), new RunningJar(root).sha256());
  }

  @Test
  void aJarTheInstallerPutInPlace_isKeptWithItsHash_forTheNextProcessOnly() throws IOException {
    RunningJar running = new RunningJar(root);
    String started = running.sha256();
    Files.write(jar, "a new jar".getBytes(StandardCharsets.UTF_8));

    running.keepInstalled(KEPT_HASH);

    assertEquals(started, running.sha256());
    assertEquals(KEPT_HASH, new RunningJar(root).sha256());
  }

  @Test
  void noJar_noHash_andNothingKept() throws IOException {
    Files.delete(jar);

    assertEquals("", new RunningJar(root).sha256());
    assertFalse(Files.exists(kept));
  }

  private void keep(String line) throws IOException {
    Files.createDirectories(kept.getParent());
    Files.writeString(kept, line + "\n");
  }
}
