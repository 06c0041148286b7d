package io.raidvm.controller.agent;

import static io.raidvm.controller.events.AgentEvents.md;
import static io.raidvm.controller.events.AgentEvents.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.EventsGrpc;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.agent.v1.WatchRequest;
import io.raidvm.common.grpc.InProcessGrpc;
import io.raidvm.controller.events.RecordingSink;
import io.raidvm.controller.events.VmEventHub;
import io.raidvm.controller.events.VmEventHubs;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AgentEventFeedTest {

  /** An agent whose Watch streams answer with what the test queued, one list per call. */
  private static final class FakeAgent extends EventsGrpc.EventsImplBase {

    final BlockingQueue<WatchRequest> requests = new LinkedBlockingQueue<>();
    final BlockingQueue<List<WatchEvent>> answers = new LinkedBlockingQueue<>();
    volatile StreamObserver<WatchEvent> open;

    @Override
    public void watch(WatchRequest request, StreamObserver<WatchEvent> observer) {
      requests.add(request);
      List<WatchEvent> answer = answers.poll();
      if (answer == null) {
        open = observer;
        return;
      }
      answer.forEach(observer::onNext);
      observer.onError(Status.UNAVAILABLE.withDescription("agent went away").asException());
    }
  }

  private final FakeAgent agent = new FakeAgent();
  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
  /** Counts the feed's calls whose end its observer has fully handled (a reopen scheduled). */
  private final AtomicInteger callsEnded = new AtomicInteger();
  /** Counts the feed's reports that a stream which brought events ended. */
  private final AtomicInteger upStreamsEnded = new AtomicInteger();
  private final VmEventHub hub = new VmEventHubs(100, Runnable::run).hub("vm1");
  private InProcessGrpc grpc;

  @AfterEach
  void tearDown() {
    grpc.close();
    scheduler.shutdownNow();
  }

  private AgentEventFeed start() throws Exception {
    grpc = InProcessGrpc.serve(agent);
    Channel channel = ClientInterceptors.intercept(grpc.channel(), new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
          CallOptions options, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            super.start(new SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                super.onClose(status, trailers);
                callsEnded.incrementAndGet();
              }
            }, headers);
          }
        };
      }
    });
    return AgentEventFeed.start("vm1", channel, hub, scheduler, upStreamsEnded::incrementAndGet);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(10);
    }
  }

  @Test
  void brokenStream_isReopenedAfterTheLastAgentEvent_andAgentGapIsRecorded() throws Exception {
    agent.answers.add(List.of(snapshot("a1", 1, false, ""),
        md("a1", 2, MdEvent.Kind.NEW_ARRAY, "md127")));
    agent.answers.add(List.of(snapshot("a2", 3, true, "epoch changed",
        Array.newBuilder().setName("md127").build())));
    RecordingSink client = new RecordingSink();
    hub.watch("", 0, false, client);
    start();

    assertEquals(WatchRequest.newBuilder().setIncludeMdstat(true).build(),
        agent.requests.poll(10, TimeUnit.SECONDS));
    assertEquals(WatchRequest.newBuilder().setEpoch("a1").setAfterSequence(2)
        .setIncludeMdstat(true).build(), agent.requests.poll(10, TimeUnit.SECONDS));
    assertEquals(WatchRequest.newBuilder().setEpoch("a2").setAfterSequence(3)
        .setIncludeMdstat(true).build(), agent.requests.poll(10, TimeUnit.SECONDS));
    await(() -> client.events.size() == 4);
    WatchEvent gap = client.last();
    assertEquals("agent restarted", gap.getSnapshot().getReason());
    assertEquals(List.of("md127"), gap.getSnapshot().getArraysList().stream()
        .map(Array::getName).toList());
  }

  @Test
  void theEndOfAStreamThatBroughtEvents_isReported_aRefusedOnesIsNot() throws Exception {
    agent.answers.add(List.of(snapshot("a1", 1, false, "")));
    agent.answers.add(List.of());
    start();

    await(() -> agent.requests.size() == 3 && agent.open != null);
    assertEquals(3, callsEnded.get() + 1, "two streams ended, the third is open");
    assertEquals(1, upStreamsEnded.get());
  }

  @Test
  void stop_cancelsTheStreamForGood() throws Exception {
    AgentEventFeed feed = start();
    await(() -> agent.open != null);
    feed.stop();

    await(() -> ((ServerCallStreamObserver<WatchEvent>) agent.open).isCancelled());
    await(() -> callsEnded.get() == 1);
    assertEquals(List.of(), List.copyOf(scheduler.getQueue()), "a reopen was scheduled");
    assertEquals(1, agent.requests.size());
    assertEquals(0, upStreamsEnded.get(), "a stopped feed reported an end");
  }
}
