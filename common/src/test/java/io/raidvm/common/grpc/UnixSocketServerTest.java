package io.raidvm.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.transport.ChannelStreams;
import io.raidvm.common.transport.Http2FrameCursor;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketServerTest {

  private static final Duration GRACE = Duration.ofSeconds(1);

  @TempDir
  Path dir;

  private UnixSocketServer server(Path socket) {
    return new UnixSocketServer(socket, List.of(), Duration.ofSeconds(10));
  }

  private static ServingStatus health(Path socket) {
    ManagedChannel channel = UnixSocketChannels.open(socket, Duration.ZERO);
    try {
      return HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance())
          .getStatus();
    } finally {
      channel.shutdownNow();
    }
  }

  /**
   * The agent's bridge follows the host's HTTP/2 by its frames and takes a frame longer than
   * {@link Http2FrameCursor#MAX_FRAME_SIZE} for the end of the session. That holds only while the
   * server never lets a client send larger frames: its SETTINGS must not raise
   * SETTINGS_MAX_FRAME_SIZE (0x5) above the initial value.
   */
  @Test
  void settings_neverRaiseTheMaxFrameSize_theAgentsBridgeReliesOnIt() throws Exception {
    Path socket = dir.resolve("s.sock");
    UnixSocketServer server = server(socket).start();
    try (SocketChannel raw = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      OutputStream out = ChannelStreams.out(raw);
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
      DataInputStream in = new DataInputStream(ChannelStreams.in(raw));
      byte[] header = new byte[9];
      in.readFully(header);
      int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | (header[2] & 0xff);
      assertEquals(4, header[3], "the server's first frame is its SETTINGS");
      assertEquals(0, length % 6);
      int maxFrameSize = 16384; // the initial value when SETTINGS do not name it (RFC 9113)
      for (int i = 0; i < length / 6; i++) {
        int id = in.readUnsignedShort();
        int value = in.readInt();
        if (id == 0x5) {
          maxFrameSize = value;
        }
      }
      assertEquals(Http2FrameCursor.MAX_FRAME_SIZE, maxFrameSize);
    } finally {
      server.stop(GRACE);
    }
  }

  @Test
  void start_overAStaleSocketFile_replacesItAndServes() throws Exception {
    Path socket = dir.resolve("s.sock");
    try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      gone.bind(UnixDomainSocketAddress.of(socket));
    }
    assertTrue(Files.exists(socket));
    assertFalse(UnixSocketChannels.answers(socket));

    UnixSocketServer server = server(socket).start();
    try {
      assertEquals(ServingStatus.SERVING, health(socket));
    } finally {
      server.stop(GRACE);
    }
    assertFalse(Files.exists(socket), "its own socket is removed on stop");
  }

  @Test
  void start_whereAnotherServerAnswers_refusesAndLeavesThatServerServing() throws Exception {
    Path socket = dir.resolve("s.sock");
    UnixSocketServer first = server(socket).start();
    UnixSocketServer second = server(socket);
    try {
      var e = assertThrows(RaidvmException.class, second::start);
      assertEquals(RaidvmException.Kind.ALREADY_EXISTS, e.kind());
      assertEquals("another server answers on " + socket, e.getMessage());
      second.stop(GRACE);
      assertEquals(ServingStatus.SERVING, health(socket), "the first server still answers");
    } finally {
      first.stop(GRACE);
    }
  }

  @Test
  void aCall_carriesTheCallingProcessesUidAndPid() throws Exception {
    MethodDescriptor<String, String> who = MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("test.Peer/Who")
        .setRequestMarshaller(Utf8.INSTANCE)
        .setResponseMarshaller(Utf8.INSTANCE)
        .build();
    ServerServiceDefinition service = ServerServiceDefinition.builder("test.Peer")
        .addMethod(who, ServerCalls.asyncUnaryCall((request, response) -> { }))
        .build();
    AtomicReference<UnixPeer> seen = new AtomicReference<>();
    ServerInterceptor record = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        seen.set(UnixPeer.of(call).orElse(null));
        call.close(Status.OK, new Metadata());
        return new ServerCall.Listener<>() { };
      }
    };
    Path socket = dir.resolve("s.sock");
    UnixSocketServer server = new UnixSocketServer(socket,
        List.of(ServerInterceptors.intercept(service, record)), Duration.ofSeconds(10)).start();
    ManagedChannel channel = UnixSocketChannels.open(socket, Duration.ZERO);
    try {
      ClientCalls.blockingUnaryCall(channel, who, CallOptions.DEFAULT, "");
    } catch (StatusRuntimeException e) {
      // No response message: only the attributes matter here.
    } finally {
      channel.shutdownNow();
      server.stop(GRACE);
    }
    int myUid = (Integer) Files.getAttribute(dir, "unix:uid");
    assertEquals(myUid, seen.get().uid());
    assertEquals(ProcessHandle.current().pid(), seen.get().pid());
  }

  private enum Utf8 implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
