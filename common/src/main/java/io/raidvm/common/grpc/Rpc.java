package io.raidvm.common.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs a unary call's body and answers with its result or its mapped error. */
public final class Rpc {

  private Rpc() {}

  public static <T> void unary(StreamObserver<T> observer, Supplier<T> body) {
    T result;
    try {
      result = body.get();
    } catch (RuntimeException e) {
      observer.onError(Statuses.toStatus(e));
      return;
    }
    observer.onNext(result);
    observer.onCompleted();
  }

  /**
   * The current call's deadline as an instant; {@link Instant#MAX} when the client set none.
   * Read it on the call's thread: the deadline lives in the gRPC context there.
   */
  public static Instant deadline() {
    Deadline deadline = Context.current().getDeadline();
    return deadline == null ? Instant.MAX
        : Instant.now().plusNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS));
  }
}
