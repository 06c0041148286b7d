package io.raidvm.agent.upgrade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.raidvm.api.agent.v1.InstallAgentHeader;
import io.raidvm.api.agent.v1.InstallAgentResponse;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.common.Sha256;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.FakeCommandRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest's side of an upgrade, on real files in a folder that stands for the guest's root. */
public class AgentJarInstallerTest {

  @TempDir
  Path root;

  private final List<Operation> operations = new ArrayList<>();
  private Path jar;
  private byte[] old;
  private byte[] next;
  private AgentJarInstaller installer;
  private RunningJar running;
  private final AtomicInteger watches = new AtomicInteger();
  static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /** A runnable jar whose manifest says {@code version}: another version, other bytes. */
  public static byte[] runnableJar(String version) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.raidvm.agent.Main");
    manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
      out.putNextEntry(new JarEntry("io/raidvm/agent/Main.class"));
      out.write(new byte[] {(byte) 0xca, (byte) 0xfe});
      out.closeEntry();
    }
    return bytes.toByteArray();
  }

  /** Where the agent jar is below {@code root}, its folder made. */
  static Path jarIn(Path root) throws IOException {
    Path jar = root.resolve(RunningJar.PATH);
    Files.createDirectories(jar.getParent());
    return jar;
  }

  @BeforeEach
  void setUp() throws IOException {
    jar = jarIn(root);
    old = runnableJar("1.0");
    next = runnableJar("2.0");
    Files.write(jar, old);
    running = new RunningJar(root);
    installer = new AgentJarInstaller(running, () -> operations, watches::incrementAndGet,
        CLOCK);
  }

  private static InstallAgentHeader header(byte[] content) {
    return InstallAgentHeader.newBuilder().setSha256(Sha256.of(content))
        .setSizeBytes(content.length).build();
  }

  private InstallAgentResponse install(byte[] content) {
    AgentJarInstaller.Upload upload = installer.begin(header(content)).orElseThrow();
    int half = content.length / 2;
    upload.write(ByteString.copyFrom(content, 0, half));
    upload.write(ByteString.copyFrom(content, half, content.length - half));
    return upload.finish();
  }

  private List<String> files() throws IOException {
    try (Stream<Path> all = Files.list(jar.getParent())) {
      return all.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void install_putsTheNewJarInPlace_andKeepsTheRunningOneAsPrevious() throws IOException {
    InstallAgentResponse done = install(next);

    assertEquals(InstallAgentResponse.Result.INSTALLED, done.getResult());
    assertEquals(Sha256.of(old), done.getRunningSha256(), "this process still runs the old one");
    assertEquals(Sha256.of(next), done.getInstalledSha256());
    assertArrayEquals(next, Files.readAllBytes(jar));
    assertArrayEquals(old, Files.readAllBytes(jar.resolveSibling("raidvm-agent.jar.previous")));
    assertEquals(List.of("raidvm-agent.jar", "raidvm-agent.jar.previous",
        "raidvm-agent.jar.trial"), files(), "no incoming file is left");
    assertEquals(Sha256.of(old), running.sha256(), "GetInfo reports the jar this process runs");
    assertTrue(Files.readString(root.resolve(RunningJar.KEPT)).endsWith(" " + Sha256.of(next)
        + "\n"), "kept for the next agent process, which need not read the jar");
  }

  @Test
  void install_movesTheClassDataArchiveOfTheOldJarAside() throws IOException {
    Path archive = jar.resolveSibling("raidvm-agent.jsa");
    Files.writeString(archive, "archive of 1.0");

    install(next);

    assertFalse(Files.exists(archive), "the JVM would refuse it beside the new jar");
    assertEquals("archive of 1.0",
        Files.readString(jar.resolveSibling("raidvm-agent.jsa.previous")));
  }

  @Test
  void theRunningJar_isAlreadyCurrent_andNothingIsWritten() throws IOException {
    assertTrue(installer.begin(header(old)).isEmpty());

    InstallAgentResponse answer = installer.alreadyCurrent();
    assertEquals(InstallAgentResponse.Result.ALREADY_CURRENT, answer.getResult());
    assertEquals(Sha256.of(old), answer.getInstalledSha256());
    assertEquals(List.of("raidvm-agent.jar"), files());
  }

  @Test
  void aJarWhoseHashDiffers_isInvalidArgument_andChangesNothing() throws IOException {
    AgentJarInstaller.Upload upload = installer.begin(InstallAgentHeader.newBuilder()
        .setSha256(Sha256.of(next)).setSizeBytes(next.length).build()).orElseThrow();
    byte[] damaged = next.clone();
    damaged[damaged.length / 2] ^= 1;
    upload.write(ByteString.copyFrom(damaged));

    RaidvmException e = assertThrows(RaidvmException.class, upload::finish);

    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().startsWith("the jar received has SHA-256 " + Sha256.of(damaged)
        + ", not the " + Sha256.of(next)), e.getMessage());
    assertArrayEquals(old, Files.readAllBytes(jar));
    assertEquals(List.of("raidvm-agent.jar"), files());
  }

  @Test
  void moreBytesThanAnnounced_orFewer_isInvalidArgument_andChangesNothing() throws IOException {
    AgentJarInstaller.Upload longer = installer.begin(header(next)).orElseThrow();
    longer.write(ByteString.copyFrom(next));
    RaidvmException tooLong = assertThrows(RaidvmException.class,
        () -> longer.write(ByteString.copyFrom(new byte[1])));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, tooLong.kind());

    AgentJarInstaller.Upload shorter = installer.begin(header(next)).orElseThrow();
    shorter.write(ByteString.copyFrom(next, 0, 10));
    RaidvmException tooShort = assertThrows(RaidvmException.class, shorter::finish);
    assertEquals("the jar ended after 10 of the " + next.length + " bytes its header announced;"
        + " nothing was changed", tooShort.getMessage());
    assertArrayEquals(old, Files.readAllBytes(jar));
    assertEquals(List.of("raidvm-agent.jar"), files());
  }

  @Test
  void aFileThatJavaCannotRun_isRefused_andChangesNothing() throws IOException {
    byte[] notAJar = "#!/bin/sh\necho hello\n".getBytes();
    AgentJarInstaller.Upload upload = installer.begin(header(notAJar)).orElseThrow();
    upload.write(ByteString.copyFrom(notAJar));

    RaidvmException e = assertThrows(RaidvmException.class, upload::finish);

    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().startsWith(".raidvm-agent.jar.incoming is no jar"), e.getMessage());
    assertArrayEquals(old, Files.readAllBytes(jar));
  }

  @Test
  void badHeaders_areInvalidArgument() {
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, assertThrows(RaidvmException.class,
        () -> installer.begin(InstallAgentHeader.newBuilder().setSha256("ABC")
            .setSizeBytes(1).build())).kind());
    assertEquals("the header's size_bytes must be 1 to 268435456, got 0",
        assertThrows(RaidvmException.class, () -> installer.begin(InstallAgentHeader.newBuilder()
            .setSha256(Sha256.of(next)).build())).getMessage());
  }

  @Test
  void aRunningOperation_refusesTheInstall_andTheRollback() throws IOException {
    install(next);
    operations.add(Operation.newBuilder().setId("op-7").setKind("mkfs").setTarget("md127")
        .setState(Operation.State.RUNNING).build());

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> installer.begin(header(runnableJar("3.0"))));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("the agent restarts after an upgrade, which would interrupt operation op-7"
        + " (mkfs of md127); upgrade when it has ended (raidctl op wait VM ID)", e.getMessage());
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION,
        assertThrows(RaidvmException.class, installer::rollback).kind());
    assertArrayEquals(next, Files.readAllBytes(jar));
  }

  @Test
  void aSecondInstall_whileOneRuns_isFailedPrecondition_andRunsAfterItEnds() throws IOException {
    AgentJarInstaller.Upload first = installer.begin(header(next)).orElseThrow();

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> installer.begin(header(runnableJar("3.0"))));
    assertEquals("another agent install or rollback runs in this guest; try again when it has"
        + " ended", e.getMessage());

    first.abort();
    assertEquals(InstallAgentResponse.Result.INSTALLED, install(next).getResult());
  }

  @Test
  void rollback_swapsTheJarAndThePreviousOne_andASecondUndoesIt() throws IOException {
    Files.writeString(jar.resolveSibling("raidvm-agent.jsa"), "archive of 1.0");
    install(next);

    InstallAgentResponse back = installer.rollback();
    assertEquals(InstallAgentResponse.Result.ROLLED_BACK, back.getResult());
    assertEquals(Sha256.of(old), back.getInstalledSha256());
    assertArrayEquals(old, Files.readAllBytes(jar));
    assertArrayEquals(next, Files.readAllBytes(jar.resolveSibling("raidvm-agent.jar.previous")));
    assertEquals("archive of 1.0", Files.readString(jar.resolveSibling("raidvm-agent.jsa")));
    assertFalse(Files.exists(jar.resolveSibling("raidvm-agent.jsa.previous")));

    installer.rollback();
    assertArrayEquals(next, Files.readAllBytes(jar));
    assertArrayEquals(old, Files.readAllBytes(jar.resolveSibling("raidvm-agent.jar.previous")));
    assertEquals(List.of("raidvm-agent.jar", "raidvm-agent.jar.previous",
        "raidvm-agent.jar.trial", "raidvm-agent.jsa.previous"), files());
  }

  @Test
  void rollback_withoutAPreviousJar_isFailedPrecondition() {
    RaidvmException e = assertThrows(RaidvmException.class, installer::rollback);
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().startsWith("there is no previous agent jar"), e.getMessage());
  }

  @Test
  void anAgentThatDoesNotRunFromTheImagesPath_cannotReplaceItself() throws IOException {
    Files.delete(jar);
    RaidvmException e = assertThrows(RaidvmException.class, () -> installer.begin(header(next)));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("", running.sha256());
  }

  @Test
  void anUploadCutOff_leavesNothing_andTheNextStartsAfresh() throws IOException {
    Files.write(jar.resolveSibling(".raidvm-agent.jar.incoming"), new byte[] {1, 2, 3});
    AgentJarInstaller.Upload cut = installer.begin(header(next)).orElseThrow();
    cut.write(ByteString.copyFrom(next, 0, 5));
    cut.abort();
    assertEquals(List.of("raidvm-agent.jar"), files());

    assertEquals(InstallAgentResponse.Result.INSTALLED, install(next).getResult());
    assertArrayEquals(next, Files.readAllBytes(jar));
  }

  @Test
  void install_putsTheNewJarOnTrial_beforeItTakesTheName_andStartsTheWatch() throws IOException {
    install(next);

    AgentTrial.Trial trial = new AgentTrial(jar).current().orElseThrow();
    assertEquals(new AgentTrial.Trial(Sha256.of(next), Sha256.of(old),
        NOW.plus(AgentTrial.DEFAULT_LENGTH)), trial);
    assertEquals(1, watches.get());
  }

  @Test
  void aTrialLengthInTheHeader_setsTheDeadline_andOneOutOfRangeIsInvalidArgument()
      throws IOException {
    AgentJarInstaller.Upload upload = installer.begin(header(next).toBuilder()
        .setTrialSeconds(20).build()).orElseThrow();
    upload.write(ByteString.copyFrom(next));
    upload.finish();
    assertEquals(NOW.plusSeconds(20), new AgentTrial(jar).current().orElseThrow().deadline());

    RaidvmException e = assertThrows(RaidvmException.class, () -> installer.begin(
        header(runnableJar("3.0")).toBuilder().setTrialSeconds(5).build()));
    assertEquals("trial_seconds must be 0 (for 300) or 10 to 3600, got 5", e.getMessage());
  }

  @Test
  void aWatchThatCannotStart_refusesTheInstall_andLeavesTheRunningJarWithoutTrial()
      throws IOException {
    AgentJarInstaller refusing = new AgentJarInstaller(running, () -> operations, () -> {
      throw RaidvmException.failedPrecondition("systemctl: no such unit");
    }, CLOCK);
    AgentJarInstaller.Upload upload = refusing.begin(header(next)).orElseThrow();
    upload.write(ByteString.copyFrom(next));

    RaidvmException e = assertThrows(RaidvmException.class, upload::finish);

    assertTrue(e.getMessage().startsWith("cannot start raidvm-agent-fallback.service"),
        e.getMessage());
    assertArrayEquals(old, Files.readAllBytes(jar));
    assertTrue(new AgentTrial(jar).current().isEmpty());
  }

  @Test
  void rollback_putsThePreviousJarOnTrial_too() throws IOException {
    install(next);
    new AgentTrial(jar).commit();

    installer.rollback();

    assertEquals(new AgentTrial.Trial(Sha256.of(old), Sha256.of(next),
        NOW.plus(AgentTrial.DEFAULT_LENGTH)), new AgentTrial(jar).current().orElseThrow());
    assertEquals(2, watches.get());
  }

  @Test
  void theFallbackUnit_isRestartedWithoutWaiting() {
    FakeCommandRunner runner = FakeCommandRunner.succeeding();

    AgentJarInstaller.fallbackUnit(runner).run();

    assertEquals(List.of(List.of("systemctl", "restart", "--no-block",
        "raidvm-agent-fallback.service")), runner.calls());
  }
}
