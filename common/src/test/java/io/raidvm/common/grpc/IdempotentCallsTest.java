package io.raidvm.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.MemberRequest;
import io.raidvm.api.agent.v1.RaidGrpc;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdempotentCallsTest {

  private static final MemberRequest FAIL_SDC1 =
      MemberRequest.newBuilder().setArray("md127").setDevice("sdc1").build();

  /** FailMember that counts its runs; it can be held mid-run, and fails for device "bad". */
  private static final class CountingRaid extends RaidGrpc.RaidImplBase {
    final AtomicInteger runs = new AtomicInteger();
    final CountDownLatch running = new CountDownLatch(1);
    volatile CountDownLatch release = new CountDownLatch(0);

    @Override
    public void failMember(MemberRequest request, StreamObserver<Array> responses) {
      int run = runs.incrementAndGet();
      running.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (request.getDevice().equals("bad")) {
        responses.onError(Status.FAILED_PRECONDITION.withDescription("refused, run " + run)
            .asRuntimeException());
        return;
      }
      responses.onNext(Array.newBuilder().setName(request.getArray())
          .setSummary("run " + run).build());
      responses.onCompleted();
    }
  }

  private final CountingRaid raid = new CountingRaid();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerServiceDefinition service = ServerInterceptors.intercept((BindableService) raid,
        new IdempotentCalls());
    server = InProcessServerBuilder.forName(name).addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private RaidGrpc.RaidBlockingStub stub(String requestId) {
    Metadata headers = new Metadata();
    if (requestId != null) {
      headers.put(IdempotentCalls.REQUEST_ID, requestId);
    }
    return RaidGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Test
  void aRetryWithTheSameId_getsTheFirstAnswer_withoutRunningAgain() {
    Array first = stub("r-1").failMember(FAIL_SDC1);
    Array retry = stub("r-1").failMember(FAIL_SDC1);

    assertEquals("run 1", first.getSummary());
    assertEquals(first, retry);
    assertEquals(1, raid.runs.get());
  }

  @Test
  void callsWithoutAnId_orWithAnotherId_runEachTime() {
    stub(null).failMember(FAIL_SDC1);
    stub(null).failMember(FAIL_SDC1);
    stub("r-1").failMember(FAIL_SDC1);
    stub("r-2").failMember(FAIL_SDC1);

    assertEquals(4, raid.runs.get());
  }

  @Test
  void anErrorIsReplayedToo() {
    MemberRequest bad = FAIL_SDC1.toBuilder().setDevice("bad").build();
    StatusRuntimeException first = assertThrows(StatusRuntimeException.class,
        () -> stub("r-1").failMember(bad));
    StatusRuntimeException retry = assertThrows(StatusRuntimeException.class,
        () -> stub("r-1").failMember(bad));

    assertEquals(Status.Code.FAILED_PRECONDITION, retry.getStatus().getCode());
    assertEquals(first.getStatus().getDescription(), retry.getStatus().getDescription());
    assertEquals(1, raid.runs.get());
  }

  @Test
  void theSameIdForAnotherRequest_isInvalidArgument_andDoesNotRun() {
    stub("r-1").failMember(FAIL_SDC1);

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub("r-1").failMember(FAIL_SDC1.toBuilder().setDevice("sdd1").build()));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("raidvm-request-id 'r-1' was used for another request of FailMember: give each"
        + " new request its own id", e.getStatus().getDescription());
    assertEquals(1, raid.runs.get());
  }

  @Test
  void aMalformedId_isInvalidArgument_andDoesNotRun() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub("has space").failMember(FAIL_SDC1));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(0, raid.runs.get());
  }

  @Test
  void aClientThatTimesOut_andRetries_whileTheFirstStillRuns_getsItsAnswer_runOnce()
      throws Exception {
    raid.release = new CountDownLatch(1);

    StatusRuntimeException timedOut = assertThrows(StatusRuntimeException.class,
        () -> stub("r-1").withDeadlineAfter(200, TimeUnit.MILLISECONDS).failMember(FAIL_SDC1));
    CompletableFuture<Array> retry =
        CompletableFuture.supplyAsync(() -> stub("r-1").failMember(FAIL_SDC1));
    raid.running.await(10, TimeUnit.SECONDS);
    raid.release.countDown();

    assertEquals(Status.Code.DEADLINE_EXCEEDED, timedOut.getStatus().getCode());
    assertEquals("run 1", retry.get(10, TimeUnit.SECONDS).getSummary());
    assertEquals(1, raid.runs.get());
  }
}
