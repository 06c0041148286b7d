package io.raidvm.common.grpc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.controller.v1.ProvisionEvent;
import io.raidvm.api.controller.v1.ProvisionRequest;
import io.raidvm.api.controller.v1.ProvisionServiceGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A handler blocked in a long server-streaming call is interrupted when its client cancels. */
class CancelOnCloseTest {

  @TempDir
  Path dir;

  @Test
  void clientCancel_interruptsTheBlockedHandler_andTheThreadIsCleanAfterwards() throws Exception {
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch returned = new CountDownLatch(1);
    AtomicBoolean flagLeftOver = new AtomicBoolean(true);
    var service = new ProvisionServiceGrpc.ProvisionServiceImplBase() {
      @Override
      public void provision(ProvisionRequest request, StreamObserver<ProvisionEvent> obs) {
        try (CancelOnClose cancel = new CancelOnClose()) {
          obs.onNext(ProvisionEvent.getDefaultInstance());
          blocked.countDown();
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          interrupted.countDown();
        }
        flagLeftOver.set(Thread.currentThread().isInterrupted());
        returned.countDown();
      }
    };
    UnixSocketServer server = new UnixSocketServer(dir.resolve("s.sock"),
        List.of(service.bindService()), Duration.ofSeconds(10)).start();
    ManagedChannel channel = UnixSocketChannels.open(dir.resolve("s.sock"), Duration.ZERO);
    Context.CancellableContext call = Context.current().withCancellation();
    try {
      call.run(() -> {
        Iterator<ProvisionEvent> events = ProvisionServiceGrpc.newBlockingStub(channel)
            .provision(ProvisionRequest.getDefaultInstance());
        events.next();
      });
      assertTrue(blocked.await(10, TimeUnit.SECONDS));
      call.cancel(null);
      assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the handler was interrupted");
      assertTrue(returned.await(10, TimeUnit.SECONDS), "the handler returned");
      assertFalse(flagLeftOver.get(), "no interrupt left for gRPC's pool thread");
    } finally {
      channel.shutdownNow();
      server.stop(Duration.ofSeconds(1));
    }
  }
}
