package io.raidvm.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.raidvm.api.agent.v1.EventsGrpc;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.agent.v1.WatchRequest;
import io.raidvm.common.grpc.InProcessGrpc;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events.Watch over the in-process transport, with the journal fed real captured states. */
class EventsGrpcServiceTest {

  private static final MdState HEALTHY =
      CapturedMd.md127("04-raid5-synced/mdstat", "04-raid5-synced/sysfs-md127");
  private static final MdState FAILED = CapturedMd.md127("07-fail/mdstat", "07-fail/sysfs-md127");
  private static final MdState REMOVED =
      CapturedMd.md127("08-remove/mdstat", "08-remove/sysfs-md127");

  private final MdJournal journal = new MdJournal("0123456789abcdef", 3,
      Clock.fixed(Instant.parse("2026-11-25T13:29:00Z"), ZoneOffset.UTC));
  private final List<Context.CancellableContext> calls = new ArrayList<>();
  private InProcessGrpc grpc;
  private EventsGrpc.EventsBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    grpc = InProcessGrpc.serve(new EventsGrpcService(journal));
    stub = EventsGrpc.newBlockingStub(grpc.channel());
    journal.publish(HEALTHY, List.of());
  }

  @AfterEach
  void stop() {
    calls.forEach(c -> c.cancel(null));
    grpc.close();
  }

  private Iterator<WatchEvent> watch(WatchRequest request) {
    Context.CancellableContext call = Context.current().withCancellation();
    calls.add(call);
    Context previous = call.attach();
    try {
      return stub.watch(request);
    } finally {
      call.detach(previous);
    }
  }

  private static WatchRequest resume(String epoch, long after) {
    return WatchRequest.newBuilder().setEpoch(epoch).setAfterSequence(after).build();
  }

  private void fail() {
    journal.publish(FAILED, EventDeriver.derive(HEALTHY, FAILED));
  }

  @Test
  void freshWatch_startsWithAPlainSnapshot_thenEventsAsTheyHappen() {
    Iterator<WatchEvent> stream = watch(WatchRequest.getDefaultInstance());

    WatchEvent snapshot = stream.next();
    assertEquals("0123456789abcdef", snapshot.getEpoch());
    assertEquals(0, snapshot.getSequence());
    assertFalse(snapshot.getSnapshot().getGap());
    assertEquals("md127", snapshot.getSnapshot().getArrays(0).getName());
    assertEquals(4, snapshot.getSnapshot().getArrays(0).getMembersCount());
    assertEquals("", snapshot.getMdstat());

    fail();

    WatchEvent first = stream.next();
    assertEquals(1, first.getSequence());
    assertEquals(MdEvent.Kind.FAIL, first.getMd().getKind());
    assertEquals("/dev/sdc1", first.getMd().getDevice());
    WatchEvent second = stream.next();
    assertEquals(2, second.getSequence());
    assertEquals(MdEvent.Kind.DEGRADED_ARRAY, second.getMd().getKind());
  }

  @Test
  void includeMdstat_attachesTheRawText() {
    fail();

    Iterator<WatchEvent> stream = watch(resume(journal.epoch(), 1).toBuilder()
        .setIncludeMdstat(true).build());

    WatchEvent event = stream.next();
    assertEquals(2, event.getSequence());
    assertTrue(event.getMdstat().contains("sdc1[1](F)"), event.getMdstat());
  }

  @Test
  void resume_afterAKeptSequence_continuesRightAfterIt_withoutSnapshot() {
    fail();

    Iterator<WatchEvent> stream = watch(resume(journal.epoch(), 1));

    WatchEvent next = stream.next();
    assertEquals(2, next.getSequence());
    assertEquals(MdEvent.Kind.DEGRADED_ARRAY, next.getMd().getKind());
  }

  @Test
  void resume_fromAnotherEpoch_startsWithAGapSnapshot() {
    fail();

    WatchEvent first = watch(resume("fedcba9876543210", 1)).next();

    assertTrue(first.getSnapshot().getGap());
    assertEquals("epoch changed", first.getSnapshot().getReason());
    assertEquals(2, first.getSequence());
    assertEquals("faulty", first.getSnapshot().getArrays(0).getMembersList().stream()
        .filter(m -> m.getDevice().equals("/dev/sdc1")).findFirst().orElseThrow().getState());
  }

  @Test
  void resume_fromASequenceNotYetReached_startsWithAGapSnapshot() {
    WatchEvent first = watch(resume(journal.epoch(), 7)).next();

    assertTrue(first.getSnapshot().getGap());
    assertEquals("sequence from the future", first.getSnapshot().getReason());
  }

  @Test
  void resume_afterEventsNoLongerKept_startsWithAGapSnapshot_thenFollows() {
    fail();
    journal.publish(REMOVED, EventDeriver.derive(FAILED, REMOVED));
    journal.publish(HEALTHY, List.of(MdEvent.newBuilder().setKind(MdEvent.Kind.DEVICE_ADDED)
        .setArray("md127").setDevice("/dev/sdc1").build()));

    Iterator<WatchEvent> stream = watch(resume(journal.epoch(), 0));
    WatchEvent first = stream.next();
    assertEquals("too far behind", first.getSnapshot().getReason());
    assertEquals(4, first.getSequence());

    fail();
    assertEquals(5, stream.next().getSequence());
  }

  @Test
  void liveWatchers_countsOpenWatches_andReturnsToZeroWhenClientsCancel() throws Exception {
    watch(WatchRequest.getDefaultInstance()).next();
    watch(WatchRequest.getDefaultInstance()).next();
    assertEquals(2, journal.liveWatchers());

    calls.forEach(c -> c.cancel(null));

    long deadline = System.nanoTime() + 5_000_000_000L;
    while (journal.liveWatchers() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, journal.liveWatchers());
  }
}
