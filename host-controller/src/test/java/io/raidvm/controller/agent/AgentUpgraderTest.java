package io.raidvm.controller.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.AgentFallback;
import io.raidvm.api.agent.v1.AgentProcess;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.GuestInfo;
import io.raidvm.api.agent.v1.InstallAgentChunk;
import io.raidvm.api.agent.v1.InstallAgentResponse;
import io.raidvm.api.agent.v1.RollbackAgentRequest;
import io.raidvm.api.controller.v1.UpgradeAgentResponse;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.common.Sha256;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.AgentJarUpload;
import io.raidvm.common.grpc.InProcessGrpc;
import io.raidvm.controller.image.AgentJar;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's side of an upgrade against a stand-in agent on gRPC's in-process transport:
 * it keeps a jar and a previous one by hash, and "restarts" (a new pid) after an install or a
 * rollback, as the real one does; the guest's side is AgentJarInstallerTest.
 */
class AgentUpgraderTest {

  @TempDir
  Path dir;

  private byte[] bundled;
  private final StandIn agent = new StandIn();
  private InProcessGrpc grpc;
  private VmState state = VmState.READY;

  /** What the stand-in agent keeps: its pid, its jar's hash, the previous one, what it got. */
  static final class StandIn extends GuestAgentGrpc.GuestAgentImplBase {
    volatile long pid = 100;
    volatile String running = "";
    volatile String installed = "";
    volatile String previous = "";
    volatile boolean restartsInto = true;
    /** Set: the jar installed does not serve, and the guest falls back to the running one. */
    volatile boolean fallsBack;
    volatile AgentFallback fallback = AgentFallback.getDefaultInstance();
    volatile int trialSeconds = -1;
    volatile boolean implementsInstall = true;
    volatile CountDownLatch hold = new CountDownLatch(0);
    final List<Integer> chunkSizes = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream received = new ByteArrayOutputStream();

    /**
     * systemd starts the jar in place: a new pid, the installed jar (unless told it fails). One
     * step under the stand-in's lock, as GetInfo reads it: a GetInfo between the new pid and the
     * fallback record read a new agent on the old jar with no fallback (seen once in CI).
     */
    private synchronized void restart() {
      pid++;
      if (fallsBack) {
        fallback = AgentFallback.newBuilder().setFailedSha256(installed)
            .setRestoredSha256(previous).setReason("the agent jar did not start serving").build();
        installed = previous;
        previous = fallback.getFailedSha256();
        pid++;
      }
      if (restartsInto) {
        running = installed;
      }
    }

    @Override
    public void getInfo(GetInfoRequest request, StreamObserver<GuestInfo> responses) {
      GuestInfo info;
      synchronized (this) {
        info = GuestInfo.newBuilder().setAgent(AgentProcess.newBuilder().setPid(pid)
            .setVersion("v-" + running.substring(0, Math.min(4, running.length())))
            .setJarSha256(running).setLastFallback(fallback)).build();
      }
      responses.onNext(info);
      responses.onCompleted();
    }

    @Override
    public StreamObserver<InstallAgentChunk> installAgent(
        StreamObserver<InstallAgentResponse> responses) {
      if (!implementsInstall) {
        return super.installAgent(responses);
      }
      return new StreamObserver<>() {
        String sha;

        @Override
        public void onNext(InstallAgentChunk chunk) {
          if (chunk.hasHeader()) {
            sha = chunk.getHeader().getSha256();
            trialSeconds = chunk.getHeader().getTrialSeconds();
          } else {
            chunkSizes.add(chunk.getData().size());
            received.writeBytes(chunk.getData().toByteArray());
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          try {
            hold.await(1, TimeUnit.MINUTES);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          previous = running;
          installed = sha;
          responses.onNext(InstallAgentResponse.newBuilder()
              .setResult(InstallAgentResponse.Result.INSTALLED).setRunningSha256(running)
              .setInstalledSha256(sha).build());
          responses.onCompleted();
          restart();
        }
      };
    }

    @Override
    public void rollbackAgent(RollbackAgentRequest request,
        StreamObserver<InstallAgentResponse> responses) {
      String back = previous;
      previous = installed;
      installed = back;
      responses.onNext(InstallAgentResponse.newBuilder()
          .setResult(InstallAgentResponse.Result.ROLLED_BACK).setRunningSha256(running)
          .setInstalledSha256(back).build());
      responses.onCompleted();
      restart();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    bundled = new byte[AgentJarUpload.CHUNK_BYTES * 2 + 12345];
    for (int i = 0; i < bundled.length; i++) {
      bundled[i] = (byte) (i * 31);
    }
    agent.running = Sha256.of("the old agent".getBytes());
    agent.installed = agent.running;
    grpc = InProcessGrpc.serve(agent);
  }

  @AfterEach
  void tearDown() {
    grpc.close();
  }

  private AgentUpgrader upgrader() throws Exception {
    Path jar = dir.resolve("raidvm-agent.jar");
    Files.write(jar, bundled);
    return new AgentUpgrader(vm -> grpc.channel(), vm -> {
      if (!vm.equals("vm1")) {
        throw RaidvmException.notFound("no VM %s", vm);
      }
      return state;
    }, AgentJar.from(jar.toUri().toURL()), Duration.ofSeconds(30));
  }

  @Test
  void anAgentThatDiffers_getsTheBundledJar_inPiecesUnderTheLimit_andComesBackWithIt()
      throws Exception {
    String old = agent.running;

    UpgradeAgentResponse done = upgrader().upgrade("vm1");

    assertEquals(UpgradeAgentResponse.Result.UPGRADED, done.getResult());
    assertArrayEquals(bundled, agent.received.toByteArray());
    assertEquals(List.of(AgentJarUpload.CHUNK_BYTES, AgentJarUpload.CHUNK_BYTES, 12345),
        agent.chunkSizes);
    assertEquals(old, done.getFromSha256());
    assertEquals(Sha256.of(bundled), done.getToSha256());
    assertEquals(101, done.getAgentPid());
    assertTrue(done.getMessage().startsWith("upgraded the agent of vm1 from v-"),
        done.getMessage());
  }

  @Test
  void anAgentThatRunsTheBundledJar_isAlreadyCurrent_andGetsNothing() throws Exception {
    agent.running = Sha256.of(bundled);

    UpgradeAgentResponse done = upgrader().upgrade("vm1");

    assertEquals(UpgradeAgentResponse.Result.ALREADY_CURRENT, done.getResult());
    assertEquals(0, agent.received.size());
    assertEquals(100, agent.pid, "no restart");
    assertTrue(done.getMessage().contains("is already current"), done.getMessage());
  }

  @Test
  void rollback_waitsForTheAgentThatRunsThePreviousJar() throws Exception {
    String old = agent.running;
    AgentUpgrader upgrader = upgrader();
    upgrader.upgrade("vm1");

    UpgradeAgentResponse back = upgrader.rollback("vm1");

    assertEquals(UpgradeAgentResponse.Result.ROLLED_BACK, back.getResult());
    assertEquals(Sha256.of(bundled), back.getFromSha256());
    assertEquals(old, back.getToSha256());
    assertEquals(102, back.getAgentPid());
  }

  @Test
  void anAgentThatComesBackWithAnotherJar_isFailedPrecondition() throws Exception {
    agent.restartsInto = false;

    RaidvmException e = assertThrows(RaidvmException.class, () -> upgrader().upgrade("vm1"));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("the agent of VM vm1 came back running jar " + agent.running.substring(0, 12)
        + ", not " + Sha256.of(bundled).substring(0, 12), e.getMessage());
  }

  @Test
  void aJarThatDoesNotServe_isPutBackByTheGuest_andTheUpgradeSaysSo() throws Exception {
    agent.fallsBack = true;
    String old = agent.running;

    RaidvmException e = assertThrows(RaidvmException.class, () -> upgrader().upgrade("vm1"));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("the new agent of VM vm1 (jar " + Sha256.of(bundled).substring(0, 12) + ") did"
        + " not start serving within its trial: the guest put jar " + old.substring(0, 12)
        + " back by itself (the agent jar did not start serving); the failed jar is kept as"
        + " raidvm-agent.jar.previous, its log is in the guest's journal (raidctl vm console"
        + " vm1)", e.getMessage());
    assertEquals(300, agent.trialSeconds, "the trial the wait counts on is sent");
  }

  @Test
  void anAgentOlderThanUpgrades_isFailedPrecondition_sayingWhatToDo() throws Exception {
    agent.implementsInstall = false;

    RaidvmException e = assertThrows(RaidvmException.class, () -> upgrader().upgrade("vm1"));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().startsWith("the agent of VM vm1 has no InstallAgent: it is older"
        + " than agent upgrades"), e.getMessage());
  }

  @Test
  void aVmWhoseAgentDoesNotAnswer_isFailedPrecondition_andAnUnknownOne_notFound()
      throws Exception {
    state = VmState.RUNNING_AGENT_NOT_READY;
    RaidvmException e = assertThrows(RaidvmException.class, () -> upgrader().upgrade("vm1"));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals(0, agent.received.size());

    state = VmState.READY;
    assertEquals(RaidvmException.Kind.NOT_FOUND, assertThrows(RaidvmException.class,
        () -> upgrader().rollback("vm2")).kind());
  }

  @Test
  void aSecondUpgradeOfTheSameVm_whileOneRuns_isFailedPrecondition() throws Exception {
    agent.hold = new CountDownLatch(1);
    AgentUpgrader upgrader = upgrader();
    CompletableFuture<UpgradeAgentResponse> first =
        CompletableFuture.supplyAsync(() -> upgrader.upgrade("vm1"));
    // The first is inside the upload once the stand-in has every byte of it.
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (agent.received.size() < bundled.length && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }

    RaidvmException e = assertThrows(RaidvmException.class, () -> upgrader.upgrade("vm1"));
    assertEquals("an agent upgrade of VM vm1 already runs", e.getMessage());

    agent.hold.countDown();
    assertEquals(UpgradeAgentResponse.Result.UPGRADED,
        first.get(1, TimeUnit.MINUTES).getResult());
  }
}
