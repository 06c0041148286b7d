package io.raidvm.common.grpc;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Retries that do not act twice. A unary call may carry the header {@value #HEADER}; the first
 * call with an id runs and its answer (message, status, trailers) is kept; a later call of the
 * same method with the same id gets that answer without running — waiting for it while the first
 * still runs. The same id with another request is INVALID_ARGUMENT.
 *
 * <p>A client that times out and retries is the case this is for, so a first call runs to its
 * end even when its own client has gone away (once its request has arrived whole): its answer is
 * what the retry receives. Kept: the last {@link #MAX_KEPT} ids, each for {@link #KEPT_FOR}.
 */
public final class IdempotentCalls implements ServerInterceptor {

  public static final String HEADER = "raidvm-request-id";
  public static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);
  static final int MAX_KEPT = 1000;
  static final Duration KEPT_FOR = Duration.ofHours(1);
  private static final Pattern ID = Pattern.compile("[\\x21-\\x7e]{1,128}");

  private final Clock clock;
  private final Map<String, Answer> answers = new LinkedHashMap<>();

  public IdempotentCalls() {
    this(Clock.systemUTC());
  }

  IdempotentCalls(Clock clock) {
    this.clock = clock;
  }

  /** What the first call with an id was asked and answered. */
  private static final class Answer {
    final Instant created;
    final CompletableFuture<byte[]> request = new CompletableFuture<>();
    final CompletableFuture<Ended> ended = new CompletableFuture<>();
    volatile Object response;

    Answer(Instant created) {
      this.created = created;
    }
  }

  private record Ended(Object response, Status status, Metadata trailers) {}

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String id = headers.get(REQUEST_ID);
    if (id == null || call.getMethodDescriptor().getType() != MethodType.UNARY
        || !(call.getMethodDescriptor().getRequestMarshaller()
            instanceof MethodDescriptor.PrototypeMarshaller)) {
      // Only protobuf calls are kept; the controller's byte proxy passes the header to the
      // agent, which keeps the answer itself.
      return next.startCall(call, headers);
    }
    if (!ID.matcher(id).matches()) {
      call.close(Status.INVALID_ARGUMENT.withDescription(HEADER + " must be 1 to 128 printable"
          + " ASCII characters without spaces"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    String key = call.getMethodDescriptor().getFullMethodName() + " " + id;
    Answer fresh = new Answer(clock.instant());
    Answer first;
    synchronized (answers) {
      forgetOld();
      first = answers.putIfAbsent(key, fresh);
    }
    return first == null ? record(call, headers, next, key, fresh) : replay(call, id, first);
  }

  /** Runs the call, detached from its client's cancellation, and keeps its answer. */
  private <Q, R> ServerCall.Listener<Q> record(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next, String key, Answer answer) {
    ServerCall<Q, R> recording = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(R message) {
        answer.response = message;
        try {
          super.sendMessage(message);
        } catch (RuntimeException clientGone) {
          // The answer is kept for the retry.
        }
      }

      @Override
      public void close(Status status, Metadata trailers) {
        Metadata kept = new Metadata();
        kept.merge(trailers);
        answer.ended.complete(new Ended(answer.response, status, kept));
        try {
          super.close(status, trailers);
        } catch (RuntimeException clientGone) {
          // The answer is kept for the retry.
        }
      }

      @Override
      public boolean isCancelled() {
        return false;
      }
    };
    ServerCall.Listener<Q> listener = next.startCall(recording, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      private boolean halfClosed;

      @Override
      public void onMessage(Q message) {
        answer.request.complete(digest(message));
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        halfClosed = true;
        super.onHalfClose();
      }

      @Override
      public void onCancel() {
        if (!halfClosed) {
          // Gone before its request arrived whole: nothing ran, nothing to keep.
          synchronized (answers) {
            answers.remove(key, answer);
          }
          answer.ended.complete(new Ended(null, Status.CANCELLED.withDescription("the first"
              + " call with this request id was cancelled before it ran"), new Metadata()));
          super.onCancel();
        }
      }
    };
  }

  /** Answers with the first call's answer once it has one. */
  private <Q, R> ServerCall.Listener<Q> replay(ServerCall<Q, R> call, String id, Answer first) {
    call.request(2);
    return new ServerCall.Listener<>() {
      private Q request;

      @Override
      public void onMessage(Q message) {
        request = message;
      }

      @Override
      public void onHalfClose() {
        byte[] digest = digest(request);
        first.ended.thenAccept(ended -> answer(call, id, digest, first, ended));
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <R> void answer(ServerCall<?, R> call, String id, byte[] digest, Answer first,
      Ended ended) {
    try {
      byte[] firstRequest = first.request.getNow(null);
      if (firstRequest != null && !Arrays.equals(firstRequest, digest)) {
        call.close(Status.INVALID_ARGUMENT.withDescription(HEADER + " '" + id + "' was used"
            + " for another request of " + call.getMethodDescriptor().getBareMethodName()
            + ": give each new request its own id"), new Metadata());
        return;
      }
      Metadata trailers = new Metadata();
      trailers.merge(ended.trailers());
      if (ended.status().isOk() && ended.response() != null) {
        call.sendHeaders(new Metadata());
        call.sendMessage((R) ended.response());
      }
      call.close(ended.status(), trailers);
    } catch (RuntimeException clientGone) {
      // This retry's own client has gone too.
    }
  }

  /** Drops ended answers older than {@link #KEPT_FOR}, then the oldest ended beyond the cap. */
  private void forgetOld() {
    Instant horizon = clock.instant().minus(KEPT_FOR);
    int excess = answers.size() - MAX_KEPT + 1;
    for (Iterator<Answer> it = answers.values().iterator(); it.hasNext(); ) {
      Answer a = it.next();
      if (a.ended.isDone() && (excess > 0 || a.created.isBefore(horizon))) {
        it.remove();
        excess--;
      }
    }
  }

  private static byte[] digest(Object message) {
    byte[] bytes = message instanceof MessageLite m ? m.toByteArray()
        : String.valueOf(message).getBytes(StandardCharsets.UTF_8);
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
