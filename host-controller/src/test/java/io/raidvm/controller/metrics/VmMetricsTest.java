package io.raidvm.controller.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.ListArraysRequest;
import io.raidvm.api.agent.v1.ListArraysResponse;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.common.grpc.InProcessGrpc;
import io.raidvm.controller.vm.AgentStatus;
import io.raidvm.controller.vm.VmStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VmMetricsTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final String CLEAN_BLOCKS = "node_md_blocks{device=\"md127\",vm=\"v1\"} 774144.0";

  private final AtomicReference<Instant> now = new AtomicReference<>(T0);
  private final FakeRaid raid = new FakeRaid();
  private final InProcessGrpc agent = InProcessGrpc.serve(raid);
  private volatile List<VmStatus> vms = List.of(vm("v1", VmState.READY, true));
  private final VmMetrics metrics = new VmMetrics(() -> vms,
      vm -> vm.equals("v1") ? Optional.<Channel>of(agent.channel()) : Optional.empty(), now::get);

  @AfterEach
  void stop() {
    raid.release.countDown();
    agent.close();
  }

  private List<String> scrape() {
    return Exposition.samples(metrics.collect());
  }

  @Test
  void eachVm_hasItsStateAndAgent_andAnAnsweringOneItsArrays() {
    vms = List.of(vm("v1", VmState.READY, true), vm("v2", VmState.STOPPED, false));
    List<String> samples = scrape();
    for (String sample : List.of("raidvm_vm_state{state=\"ready\",vm=\"v1\"} 1.0",
        "raidvm_vm_state{state=\"stopped\",vm=\"v1\"} 0.0",
        "raidvm_vm_state{state=\"stopped\",vm=\"v2\"} 1.0",
        "raidvm_agent_connected{vm=\"v1\"} 1.0", "raidvm_agent_connected{vm=\"v2\"} 0.0",
        CLEAN_BLOCKS, "raidvm_md_read_age_seconds{vm=\"v1\"} 0.0")) {
      assertTrue(samples.contains(sample), sample + " in " + samples);
    }
    assertFalse(samples.stream().anyMatch(s -> s.startsWith("node_md") && s.contains("\"v2\"")),
        samples::toString);
  }

  @Test
  void anAgentThatDoesNotAnswer_leavesItsArraysOut_untilItsAnswerComes() throws Exception {
    raid.hold = true;
    List<String> first = scrape();
    assertTrue(first.contains("raidvm_agent_connected{vm=\"v1\"} 1.0"), first::toString);
    assertFalse(first.stream().anyMatch(s -> s.startsWith("node_md")), first::toString);

    raid.release.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<String> later = scrape();
    while (!later.contains(CLEAN_BLOCKS) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      later = scrape();
    }
    assertTrue(later.contains(CLEAN_BLOCKS), later::toString);
    assertEquals(1, raid.calls.get(), "the scrapes in between waited for the one read");
  }

  @Test
  void aReadingOfAnAgentThatStoppedAnswering_isKeptWithItsAge_thenLeftOutPastTwoMinutes() {
    assertTrue(scrape().contains(CLEAN_BLOCKS));
    raid.fail = true;

    now.set(T0.plusSeconds(60));
    List<String> minuteLater = scrape();
    assertTrue(minuteLater.contains("raidvm_md_read_age_seconds{vm=\"v1\"} 60.0"),
        minuteLater::toString);
    assertTrue(minuteLater.contains(CLEAN_BLOCKS), minuteLater::toString);

    now.set(T0.plus(ArrayReadings.STALE).plusSeconds(1));
    List<String> stale = scrape();
    assertFalse(stale.stream().anyMatch(s -> s.startsWith("node_md")
        || s.startsWith("raidvm_md")), stale::toString);
  }

  @Test
  void aVmWhoseAgentWentAway_losesItsArraysAtOnce() {
    assertTrue(scrape().contains(CLEAN_BLOCKS));
    vms = List.of(vm("v1", VmState.RUNNING_AGENT_NOT_READY, false));
    List<String> samples = scrape();
    assertTrue(samples.contains("raidvm_vm_state{state=\"running_agent_not_ready\",vm=\"v1\"} 1.0"),
        samples::toString);
    assertFalse(samples.stream().anyMatch(s -> s.startsWith("node_md")), samples::toString);
  }

  @Test
  void aFreshReading_isServedAgain_withoutAskingTheAgent() {
    scrape();
    now.set(T0.plus(ArrayReadings.FRESH).minusSeconds(1));
    scrape();
    assertEquals(1, raid.calls.get());
    now.set(T0.plus(ArrayReadings.FRESH));
    scrape();
    assertEquals(2, raid.calls.get());
  }

  private static VmStatus vm(String name, VmState state, boolean agentAnswers) {
    AgentStatus agent = agentAnswers ? new AgentStatus(true, T0, "", true, 1) : AgentStatus.NONE;
    return new VmStatus(VmSpec.newBuilder().setName(name).build(), state, agent,
        Path.of("/x/console.log"), 0, "tcg", "max", Path.of("/x/os.qcow2"), List.of(), null,
        "");
  }

  /** An agent's Raid service answering the captured clean RAID 5, or holding, or failing. */
  private static final class FakeRaid extends RaidGrpc.RaidImplBase {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();
    volatile boolean hold;
    volatile boolean fail;

    @Override
    public void listArrays(ListArraysRequest request,
        StreamObserver<ListArraysResponse> response) {
      calls.incrementAndGet();
      if (fail) {
        response.onError(Status.UNAVAILABLE.withDescription("agent gone").asException());
        return;
      }
      if (hold) {
        try {
          release.await(Duration.ofMinutes(1).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      response.onNext(ListArraysFixtures.load("clean"));
      response.onCompleted();
    }
  }
}
