package io.raidvm.common.grpc;

import io.grpc.stub.StreamObserver;
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
}
