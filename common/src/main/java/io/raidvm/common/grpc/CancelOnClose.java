package io.raidvm.common.grpc;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * Interrupts the thread serving a long call when its client cancels, but only while the work
 * runs: the thread goes back to gRPC's pool afterwards and must not be interrupted there.
 */
public final class CancelOnClose implements AutoCloseable {

  private final Thread worker = Thread.currentThread();
  private boolean running = true;

  public CancelOnClose(ServerCallStreamObserver<?> call) {
    call.setOnCancelHandler(this::cancel);
  }

  private synchronized void cancel() {
    if (running) {
      worker.interrupt();
    }
  }

  @Override
  public synchronized void close() {
    running = false;
    Thread.interrupted();
  }
}
