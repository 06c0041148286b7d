package io.raidvm.controller.agent;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raidvm.api.agent.v1.EventsGrpc;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.agent.v1.WatchRequest;
import io.raidvm.controller.events.VmEventHub;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The one {@code Events.Watch} stream from a VM's agent into the VM's {@link VmEventHub}. When it
 * breaks (agent gone, restarted, channel reconnecting) it is opened again after the last event
 * seen, so the agent either continues right there or answers with a gap snapshot.
 */
final class AgentEventFeed {

  private static final Logger LOG = Logger.getLogger(AgentEventFeed.class.getName());
  static final Duration RETRY = Duration.ofSeconds(1);

  private final String vm;
  private final Channel channel;
  private final VmEventHub hub;
  private final ScheduledExecutorService scheduler;
  private final Runnable onEnded;
  private String epoch = "";
  private long sequence;
  private ClientCallStreamObserver<WatchRequest> call;
  /** Whether the open stream has brought an event (it was up, not refused or waiting). */
  private boolean delivered;
  private boolean stopped;

  private AgentEventFeed(String vm, Channel channel, VmEventHub hub,
      ScheduledExecutorService scheduler, Runnable onEnded) {
    this.vm = vm;
    this.channel = channel;
    this.hub = hub;
    this.scheduler = scheduler;
    this.onEnded = onEnded;
  }

  /**
   * Opens the stream now and again whenever it ends, until {@link #stop()}; {@code onEnded} runs
   * when a stream that brought events ends before that (the agent may be gone).
   */
  static AgentEventFeed start(String vm, Channel channel, VmEventHub hub,
      ScheduledExecutorService scheduler, Runnable onEnded) {
    AgentEventFeed feed = new AgentEventFeed(vm, channel, hub, scheduler, onEnded);
    feed.open();
    return feed;
  }

  private synchronized void open() {
    if (stopped) {
      return;
    }
    WatchRequest request = WatchRequest.newBuilder().setEpoch(epoch).setAfterSequence(sequence)
        .setIncludeMdstat(true).build();
    EventsGrpc.newStub(channel).withWaitForReady().watch(request, new Observer());
  }

  private synchronized void seen(WatchEvent event) {
    delivered = true;
    epoch = event.getEpoch();
    sequence = event.getSequence();
  }

  private synchronized void ended(Status status) {
    call = null;
    boolean wasUp = delivered;
    delivered = false;
    if (stopped) {
      return;
    }
    LOG.fine(() -> "VM " + vm + ": agent event stream ended (" + status + "), reopening");
    if (wasUp) {
      onEnded.run();
    }
    if (!scheduler.isShutdown()) {
      scheduler.schedule(this::open, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Cancels the stream for good. */
  synchronized void stop() {
    stopped = true;
    if (call != null) {
      call.cancel("the agent link closed", null);
    }
  }

  private final class Observer implements ClientResponseObserver<WatchRequest, WatchEvent> {

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
      synchronized (AgentEventFeed.this) {
        call = requestStream;
      }
    }

    @Override
    public void onNext(WatchEvent event) {
      hub.fromAgent(event);
      seen(event);
    }

    @Override
    public void onError(Throwable t) {
      ended(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      ended(Status.OK);
    }
  }
}
