package io.raidvm.controller.agent;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.function.UnaryOperator;

/**
 * One call forwarded from a controller client to an agent, with flow control both ways: a message
 * is requested from one side only when the other side is ready to take it (after grpc-java's
 * grpcproxy example). Cancellation, half-close, headers, status and trailers pass through.
 */
final class ProxiedCall {

  private final ServerCall<byte[], byte[]> serverCall;
  private final ClientCall<byte[], byte[]> clientCall;
  private final UnaryOperator<Status> explain;
  final Requests requests = new Requests();
  private final Responses responses = new Responses();

  /** {@code explain} may replace the agent side's final status, e.g. to say that the VM died. */
  ProxiedCall(ServerCall<byte[], byte[]> serverCall, ClientCall<byte[], byte[]> clientCall,
      UnaryOperator<Status> explain) {
    this.serverCall = serverCall;
    this.clientCall = clientCall;
    this.explain = explain;
  }

  void start(Metadata headers) {
    clientCall.start(responses, headers);
    serverCall.request(1);
    clientCall.request(1);
  }

  /** From the controller's client towards the agent. */
  final class Requests extends ServerCall.Listener<byte[]> {
    private boolean needToRequest;

    @Override
    public void onMessage(byte[] message) {
      clientCall.sendMessage(message);
      synchronized (this) {
        if (clientCall.isReady()) {
          serverCall.request(1);
        } else {
          needToRequest = true;
        }
      }
    }

    @Override
    public void onHalfClose() {
      clientCall.halfClose();
    }

    @Override
    public void onCancel() {
      clientCall.cancel("the client cancelled the call", null);
    }

    @Override
    public void onReady() {
      responses.serverReady();
    }

    synchronized void agentReady() {
      if (needToRequest) {
        serverCall.request(1);
        needToRequest = false;
      }
    }
  }

  /** From the agent back to the controller's client. */
  final class Responses extends ClientCall.Listener<byte[]> {
    private boolean needToRequest;

    @Override
    public void onHeaders(Metadata headers) {
      serverCall.sendHeaders(ForwardedMetadata.copy(headers));
    }

    @Override
    public void onMessage(byte[] message) {
      serverCall.sendMessage(message);
      synchronized (this) {
        if (serverCall.isReady()) {
          clientCall.request(1);
        } else {
          needToRequest = true;
        }
      }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      serverCall.close(explain.apply(status), ForwardedMetadata.copy(trailers));
    }

    @Override
    public void onReady() {
      requests.agentReady();
    }

    synchronized void serverReady() {
      if (needToRequest) {
        clientCall.request(1);
        needToRequest = false;
      }
    }
  }
}
