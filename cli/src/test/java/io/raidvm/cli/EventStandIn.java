package io.raidvm.cli;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.Snapshot;
import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.controller.v1.VmServiceGrpc;
import io.raidvm.api.controller.v1.WatchVmRequest;
import io.raidvm.common.grpc.UnixSocketServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A controller stand-in on a real Unix socket whose WatchVm streams the canned events (with
 * mdstat only when asked), then either ends or stays open (as a real watch does) until the client
 * goes away.
 */
public final class EventStandIn extends VmServiceGrpc.VmServiceImplBase implements AutoCloseable {

  public static final String EPOCH = "3f0c9a52";

  public final List<WatchVmRequest> requests = new CopyOnWriteArrayList<>();
  private final List<WatchEvent> events;
  private final boolean stayOpen;
  private final UnixSocketServer server;

  public EventStandIn(Path socket, List<WatchEvent> events, boolean stayOpen) throws Exception {
    this.events = events;
    this.stayOpen = stayOpen;
    this.server = new UnixSocketServer(socket, List.of(bindService()), Duration.ofSeconds(10))
        .start();
  }

  @Override
  public void watchVm(WatchVmRequest request, StreamObserver<WatchEvent> observer) {
    requests.add(request);
    if (!request.getName().equals("vm1")) {
      observer.onError(Status.NOT_FOUND.withDescription("VM '" + request.getName()
          + "' does not exist").asRuntimeException());
      return;
    }
    events.forEach(e -> observer.onNext(request.getIncludeMdstat() ? e
        : e.toBuilder().clearMdstat().build()));
    if (!stayOpen) {
      observer.onCompleted();
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.stop(Duration.ofSeconds(1));
  }

  /** Numbers events 1, 2, … in {@link #EPOCH}, at 2026-11-25T13:00:00Z. */
  public static List<WatchEvent> numbered(WatchEvent.Builder... events) {
    List<WatchEvent> result = new ArrayList<>();
    for (WatchEvent.Builder e : events) {
      result.add(e.setEpoch(EPOCH).setSequence(result.size() + 1)
          .setTime(Timestamp.newBuilder().setSeconds(1795611600)).build());
    }
    return result;
  }

  public static WatchEvent.Builder snapshot(Array... arrays) {
    return WatchEvent.newBuilder().setSnapshot(Snapshot.newBuilder()
        .addAllArrays(List.of(arrays)));
  }

  public static WatchEvent.Builder md(MdEvent.Kind kind, String array) {
    return WatchEvent.newBuilder().setMd(MdEvent.newBuilder().setKind(kind).setArray(array));
  }

  public static WatchEvent.Builder sync(MdEvent.Kind kind, String array, double percent) {
    return WatchEvent.newBuilder().setMd(MdEvent.newBuilder().setKind(kind).setArray(array)
        .setSyncAction("resync").setSync(sync(percent)));
  }

  public static SyncStatus sync(double percent) {
    return SyncStatus.newBuilder().setAction("resync").setPercent(percent)
        .setSpeedKibPerS(20480).setEtaSeconds(75).build();
  }

  public static WatchEvent.Builder vm(VmEvent.Kind kind) {
    return WatchEvent.newBuilder().setVm(VmEvent.newBuilder().setKind(kind).setVm("vm1"));
  }
}
