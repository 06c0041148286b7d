package io.raidvm.common.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.InstallAgentChunk;
import io.raidvm.api.agent.v1.InstallAgentHeader;
import io.raidvm.api.agent.v1.InstallAgentResponse;
import io.raidvm.common.Sha256;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The client side of {@code GuestAgent/InstallAgent}: the header, then the jar in pieces of
 * {@link #CHUNK_BYTES}, each sent only when the transport is ready for it (HTTP/2 flow control:
 * a 24 MiB jar is never queued whole in memory behind a slow virtio-serial link).
 */
public final class AgentJarUpload {

  /** A quarter of what a raidvm server takes per message ({@link MessageLimits#DEFAULT}). */
  public static final int CHUNK_BYTES = MessageLimits.DEFAULT.messageBytes() / 4;

  private AgentJarUpload() {}

  /**
   * Sends {@code jar} to the agent behind {@code channel} and returns its answer; an
   * ALREADY_CURRENT answer ends the call before the bytes are sent.
   *
   * @throws StatusRuntimeException the agent's refusal (or the transport's failure) as it came
   */
  public static InstallAgentResponse send(Channel channel, byte[] jar, Duration timeout) {
    return send(channel, jar, timeout, Duration.ZERO);
  }

  /**
   * As {@link #send(Channel, byte[], Duration)}, with the time the new jar has to serve before
   * the guest puts the previous one back ({@code trial_seconds}; zero: the agent's default).
   */
  public static InstallAgentResponse send(Channel channel, byte[] jar, Duration timeout,
      Duration trial) {
    CompletableFuture<InstallAgentResponse> answer = new CompletableFuture<>();
    GuestAgentGrpc.newStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .installAgent(new ClientResponseObserver<InstallAgentChunk, InstallAgentResponse>() {
          private int sent = -1;

          @Override
          public void beforeStart(ClientCallStreamObserver<InstallAgentChunk> requests) {
            requests.setOnReadyHandler(() -> {
              while (requests.isReady() && sent < jar.length && !answer.isDone()) {
                if (sent < 0) {
                  requests.onNext(InstallAgentChunk.newBuilder().setHeader(
                      InstallAgentHeader.newBuilder().setSha256(Sha256.of(jar))
                          .setSizeBytes(jar.length).setTrialSeconds((int) trial.toSeconds()))
                      .build());
                  sent = 0;
                  continue;
                }
                int n = Math.min(CHUNK_BYTES, jar.length - sent);
                requests.onNext(InstallAgentChunk.newBuilder()
                    .setData(ByteString.copyFrom(jar, sent, n)).build());
                sent += n;
                if (sent == jar.length) {
                  requests.onCompleted();
                }
              }
            });
          }

          @Override
          public void onNext(InstallAgentResponse response) {
            answer.complete(response);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            answer.completeExceptionally(new IllegalStateException("InstallAgent ended without"
                + " an answer"));
          }
        });
    try {
      return answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending the agent jar", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
