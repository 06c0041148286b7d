package io.raidvm.common.grpc;

import io.grpc.Context;

/**
 * Interrupts the thread serving a long call when its client cancels (or its deadline passes),
 * but only while the work runs: the thread goes back to gRPC's pool afterwards and must not be
 * interrupted there.
 *
 * <p>It listens to the call's {@link Context}, which gRPC cancels at once from another thread.
 * {@code ServerCallStreamObserver.setOnCancelHandler} would not do: its handler runs only after
 * the blocked handler method has returned.
 */
public final class CancelOnClose implements AutoCloseable {

  private final Thread worker = Thread.currentThread();
  private final Context context = Context.current();
  private final Context.CancellationListener listener = c -> cancel();
  private boolean running = true;

  /** Call it on the thread that serves the call, inside the call's context. */
  public CancelOnClose() {
    context.addListener(listener, Runnable::run);
  }

  private synchronized void cancel() {
    if (running) {
      worker.interrupt();
    }
  }

  @Override
  public synchronized void close() {
    running = false;
    context.removeListener(listener);
    Thread.interrupted();
  }
}
