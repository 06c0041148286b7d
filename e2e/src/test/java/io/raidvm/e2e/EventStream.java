package io.raidvm.e2e;

import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.controller.v1.VmServiceGrpc;
import io.raidvm.api.controller.v1.WatchVmRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A host client of VmService.WatchVm: every event, with the moment it arrived. */
final class EventStream implements AutoCloseable {

  /** An event and when it arrived ({@link System#nanoTime()}). */
  record Received(WatchEvent event, long nanos) {}

  private final BlockingQueue<Received> queue = new LinkedBlockingQueue<>();
  private volatile ClientCallStreamObserver<WatchVmRequest> call;
  private volatile Throwable error;

  private EventStream() {}

  /** Watches {@code vm} after ({@code epoch}, {@code after}); an empty epoch is a fresh watch. */
  static EventStream open(Channel channel, String vm, String epoch, long after) {
    EventStream stream = new EventStream();
    VmServiceGrpc.newStub(channel).watchVm(WatchVmRequest.newBuilder().setName(vm)
        .setEpoch(epoch).setAfterSequence(after).build(),
        new ClientResponseObserver<WatchVmRequest, WatchEvent>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<WatchVmRequest> requestStream) {
            stream.call = requestStream;
          }

          @Override
          public void onNext(WatchEvent event) {
            stream.queue.add(new Received(event, System.nanoTime()));
          }

          @Override
          public void onError(Throwable t) {
            stream.error = t;
          }

          @Override
          public void onCompleted() {
            stream.error = new IllegalStateException("the controller ended the watch");
          }
        });
    return stream;
  }

  /** The events up to and with the first that {@code last} accepts, read within {@code limit}. */
  List<Received> until(Predicate<WatchEvent> last, Duration limit) throws InterruptedException {
    List<Received> read = new ArrayList<>();
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Received r = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (r == null) {
        throw new AssertionError("no matching event within " + limit + (error != null
            ? " (stream failed: " + error + ")" : "") + "; got " + read.stream()
            .map(x -> x.event().getSequence() + " " + x.event().getBodyCase()).toList());
      }
      read.add(r);
      if (last.test(r.event())) {
        return read;
      }
    }
  }

  @Override
  public void close() {
    if (call != null) {
      call.cancel("the test is done watching", null);
    }
  }
}
