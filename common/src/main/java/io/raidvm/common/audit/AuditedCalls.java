package io.raidvm.common.audit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.raidvm.common.error.Messages;
import io.raidvm.common.grpc.IdempotentCalls;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What the controller's and the agent's audit trails take from a call, the same on both sides:
 * the start time, the first request (its JSON cut at {@link #MAX_TEXT}), the status code and its
 * description (made readable, cut), the duration and the {@code raidvm-request-id}. The record is
 * handed over exactly once, when the call closes — before its result leaves — or when the client
 * cancels it. The controller's RPC metrics take their method, code and duration from it too.
 */
public final class AuditedCalls {

  /** About 1 KiB of a request's JSON or a status description. */
  public static final int MAX_TEXT = 1024;

  private AuditedCalls() {}

  /** One call as it ended. */
  public record Ended(String method, Instant start, Optional<Message> request, Status status,
      long durationMs, String requestId) {

    /** The request as JSON, cut at about {@link #MAX_TEXT}; empty when it had none (or bytes). */
    public String requestJson() {
      if (request.isEmpty()) {
        return "";
      }
      try {
        return cut(JsonFormat.printer().omittingInsignificantWhitespace().print(request.get()));
      } catch (InvalidProtocolBufferException e) {
        return "(not printable: " + e.getMessage() + ")";
      }
    }

    /** The status description, readable and cut; empty for none. */
    public String message() {
      return status.getDescription() == null ? ""
          : cut(Messages.readable(status.getDescription()));
    }
  }

  /**
   * Starts {@code call} through {@code next} within {@code context} and hands {@code sink} its
   * {@link Ended} record once it ends.
   */
  public static <Q, R> ServerCall.Listener<Q> watch(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next, Context context, Clock clock, Consumer<Ended> sink) {
    Watched<Q, R> watched = new Watched<>(call, headers, clock, sink);
    ServerCall.Listener<Q> listener = Contexts.interceptCall(context, watched, headers, next);
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        watched.noteRequest(message);
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        watched.end(Status.CANCELLED.withDescription("the client cancelled the call"));
        super.onCancel();
      }
    };
  }

  /** Cuts {@code text} at about {@link #MAX_TEXT} characters. */
  public static String cut(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
  }

  /** A call that hands over its record when it ends. */
  private static final class Watched<Q, R> extends SimpleForwardingServerCall<Q, R> {

    private final AtomicBoolean ended = new AtomicBoolean();
    private final Consumer<Ended> sink;
    private final Instant start;
    private final long startNanos = System.nanoTime();
    private final String requestId;
    private volatile Message request;

    Watched(ServerCall<Q, R> call, Metadata headers, Clock clock, Consumer<Ended> sink) {
      super(call);
      this.sink = sink;
      this.start = clock.instant();
      String id = headers.get(IdempotentCalls.REQUEST_ID);
      this.requestId = id == null ? "" : cut(id);
    }

    void noteRequest(Object message) {
      if (request == null && message instanceof Message proto) {
        request = proto;
      }
    }

    @Override
    public void close(Status status, Metadata trailers) {
      end(status);
      super.close(status, trailers);
    }

    void end(Status status) {
      if (ended.compareAndSet(false, true)) {
        sink.accept(new Ended(getMethodDescriptor().getFullMethodName(), start,
            Optional.ofNullable(request), status, (System.nanoTime() - startNanos) / 1_000_000,
            requestId));
      }
    }
  }
}
