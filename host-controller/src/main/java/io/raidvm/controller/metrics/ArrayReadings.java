package io.raidvm.controller.metrics;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Channel;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.ListArraysRequest;
import io.raidvm.api.agent.v1.ListArraysResponse;
import io.raidvm.api.agent.v1.RaidGrpc;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The arrays of each VM as its agent last answered {@code Raid.ListArrays}, read for the metrics
 * without letting a scrape wait on an agent for long. A scrape asks every answering agent anew
 * (unless its reading is fresh, or a read is already under way), waits for the answers only up
 * to a bound, and takes what is known: a slow agent's answer lands when it comes, for the next
 * scrape; a reading that has grown stale is left out.
 *
 * <p>Why not the event hub's array table: it follows the md events, which say how degraded an
 * array is and how far its sync, but not which member failed or became a spare, nor its size;
 * those come with the agent's next snapshot only. One ListArrays per scrape interval costs the
 * agent one read of mdadm and sysfs per array.
 */
final class ArrayReadings {

  private static final Logger LOG = Logger.getLogger(ArrayReadings.class.getName());
  /** A reading younger than this is served as it is: two Prometheus servers ask once. */
  static final Duration FRESH = Duration.ofSeconds(5);
  /** A reading older than this is left out: the arrays may have changed since. */
  static final Duration STALE = Duration.ofMinutes(2);
  /** How long one read may take in the background, past the scrape that started it. */
  static final Duration CALL_DEADLINE = Duration.ofSeconds(20);

  /** A VM's arrays, and when its agent said so. */
  record Reading(List<Array> arrays, Instant at) {}

  private final Function<String, Optional<Channel>> agents;
  private final Supplier<Instant> clock;
  private final Map<String, Reading> readings = new ConcurrentHashMap<>();
  private final Map<String, Future<?>> reads = new ConcurrentHashMap<>();

  /**
   * @param agents the channel to a VM's agent, empty when it has none
   * @param clock the time now
   */
  ArrayReadings(Function<String, Optional<Channel>> agents, Supplier<Instant> clock) {
    this.agents = agents;
    this.clock = clock;
  }

  /**
   * The readings of {@code vms} (those whose agent answers; the others' are forgotten), by VM
   * name: asks their agents, waits up to {@code wait} for the answers, and returns each VM's
   * newest reading that is not stale.
   */
  Map<String, Reading> read(Collection<String> vms, Duration wait) {
    readings.keySet().retainAll(vms);
    List<Future<?>> asked = new ArrayList<>();
    for (String vm : vms) {
      Reading last = readings.get(vm);
      if (last != null && age(last).compareTo(FRESH) < 0) {
        continue;
      }
      agents.apply(vm).ifPresent(channel -> asked.add(reads.compute(vm,
          (name, under) -> under == null || under.isDone() ? ask(name, channel) : under)));
    }
    awaitAll(asked, wait);
    Map<String, Reading> known = new TreeMap<>();
    readings.forEach((vm, reading) -> {
      if (vms.contains(vm) && age(reading).compareTo(STALE) <= 0) {
        known.put(vm, reading);
      }
    });
    return known;
  }

  Duration age(Reading reading) {
    return Duration.between(reading.at(), clock.get());
  }

  /** A read of {@code vm}'s arrays: done once its reading is stored, or it failed. */
  private Future<?> ask(String vm, Channel channel) {
    ListenableFuture<ListArraysResponse> answer = RaidGrpc.newFutureStub(channel)
        .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .listArrays(ListArraysRequest.getDefaultInstance());
    // Stored before the future that a scrape waits on is done (a listener could run later).
    ListenableFuture<Void> stored = Futures.transform(answer, response -> {
      readings.put(vm, new Reading(response.getArraysList(), clock.get()));
      return null;
    }, MoreExecutors.directExecutor());
    stored.addListener(() -> {
      try {
        Futures.getDone(stored);
      } catch (ExecutionException | RuntimeException e) {
        LOG.fine(() -> "VM " + vm + ": cannot read its arrays for the metrics: " + e);
      }
    }, MoreExecutors.directExecutor());
    return stored;
  }

  /** Waits for {@code futures} until {@code wait} has passed; failures are the readings' own. */
  private static void awaitAll(List<Future<?>> futures, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    for (Future<?> future : futures) {
      try {
        future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return;
      } catch (ExecutionException e) {
        // Logged by the read itself; the others may still answer.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
