package io.raidvm.agent.events;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.EventsGrpc;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.agent.v1.WatchRequest;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Events.Watch over the {@link MdJournal}: each call has its own {@link Subscription} and
 * sends only while the client keeps up (gRPC flow control); cancelling the call closes it.
 */
public final class EventsGrpcService extends EventsGrpc.EventsImplBase {

  /** Events taken from the journal at a time, between two checks of the client's readiness. */
  static final int BATCH = 64;

  private final MdJournal journal;

  public EventsGrpcService(MdJournal journal) {
    this.journal = journal;
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<WatchEvent> observer) {
    ServerCallStreamObserver<WatchEvent> call = (ServerCallStreamObserver<WatchEvent>) observer;
    Subscription subscription = journal.subscribe(request.getEpoch(), request.getAfterSequence());
    Sender sender = new Sender(call, subscription, request.getIncludeMdstat(),
        new AtomicInteger());
    call.setOnCancelHandler(subscription::close);
    call.setOnReadyHandler(sender::send);
    subscription.onAvailable(sender::send);
    sender.send();
  }

  /**
   * Moves events from one subscription to its call while the call is ready for them. One thread
   * at a time drains; a wake-up that comes meanwhile (new events, the call became ready) makes
   * that thread go round again instead of waiting, so the publisher never blocks on a sender.
   */
  private record Sender(ServerCallStreamObserver<WatchEvent> call, Subscription subscription,
      boolean includeMdstat, AtomicInteger wakeups) {

    void send() {
      if (wakeups.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      do {
        drain();
        missed = wakeups.addAndGet(-missed);
      } while (missed != 0);
    }

    private void drain() {
      while (call.isReady() && !call.isCancelled()) {
        var events = subscription.next(BATCH);
        if (events.isEmpty()) {
          return;
        }
        events.forEach(e -> call.onNext(includeMdstat ? e : e.toBuilder().clearMdstat().build()));
      }
    }
  }
}
