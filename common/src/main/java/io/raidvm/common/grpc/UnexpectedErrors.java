package io.raidvm.common.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.raidvm.common.error.RaidvmException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place where an unexpected error (anything but a {@link RaidvmException} or a status)
 * is logged: with its stack trace and a short random id, which is all the client gets —
 * {@code INTERNAL: unexpected error <id>; see the <server>'s log}. It catches what a service
 * throws and what a service hands to {@link Statuses#toStatus} (which keeps the exception as
 * the status's cause; gRPC never sends a cause to the client).
 */
public final class UnexpectedErrors implements ServerInterceptor {

  private static final Logger LOG = Logger.getLogger(UnexpectedErrors.class.getName());

  private final String server;

  /** {@code server} names the process whose log to look in, e.g. "controller". */
  public UnexpectedErrors(String server) {
    this.server = server;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Guarded<ReqT, RespT> guarded = new Guarded<>(call, method);
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(guarded, headers);
    } catch (RuntimeException e) {
      guarded.fail(e);
      return new ServerCall.Listener<>() {};
    }
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(ReqT message) {
        closeOnFailure(guarded, () -> super.onMessage(message));
      }

      @Override
      public void onHalfClose() {
        closeOnFailure(guarded, super::onHalfClose);
      }

      @Override
      public void onReady() {
        closeOnFailure(guarded, super::onReady);
      }

      @Override
      public void onCancel() {
        logFailure(method, super::onCancel);
      }

      @Override
      public void onComplete() {
        logFailure(method, super::onComplete);
      }
    };
  }

  /** Runs a step of a live call; what it throws ends the call. */
  private static void closeOnFailure(Guarded<?, ?> call, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      call.fail(e);
    }
  }

  /** Runs a step of a call that has ended; what it throws is only logged. */
  private void logFailure(String method, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      report(e, method);
    }
  }

  /** A call whose unexpected failures are reported before they close it. */
  private final class Guarded<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {

    private final String method;
    private boolean closed;

    Guarded(ServerCall<ReqT, RespT> call, String method) {
      super(call);
      this.method = method;
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      Throwable cause = status.getCause();
      if (status.getCode() == Status.Code.INTERNAL && cause != null
          && !(cause instanceof RaidvmException)) {
        status = report(cause, method);
      }
      closed = true;
      super.close(status, trailers);
    }

    /** Ends the call with what a thrown exception means, unless it has ended already. */
    synchronized void fail(RuntimeException e) {
      Status status = Statuses.toStatus(e).getStatus();
      if (closed) {
        report(e, method);
        return;
      }
      close(status, new Metadata());
    }
  }

  /** Logs the error with its stack trace under a fresh id; the status the client gets. */
  private Status report(Throwable t, String method) {
    String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    LOG.log(Level.SEVERE, t, () -> "unexpected error " + id + " in " + method);
    return Status.INTERNAL.withDescription("unexpected error " + id + "; see the " + server
        + "'s log");
  }
}
