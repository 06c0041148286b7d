package io.raidvm.agent.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.raidvm.common.grpc.UnixSocketChannels;
import io.raidvm.common.grpc.UnixSocketServer;
import io.raidvm.common.transport.BytePump;
import io.raidvm.common.transport.Handshake;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real HTTP/2 through the bridge: a grpc-netty client on the host side, the handshake, the bridge,
 * and a grpc-netty server on the private socket. The "port" is a Unix socket pair.
 */
class BridgeGrpcTest {

  private static final String HELLO_LINE =
      "\nRAIDVM-HELLO/1 0123456789abcdef0123456789abcdef\n";
  private static final Metadata.Key<String> NOTE =
      Metadata.Key.of("x-note", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir
  Path dir;

  private UnixSocketServer agent;
  private VirtioPortBridge bridge;
  private ServerSocketChannel portHostEnd;
  private ServerSocketChannel hostFacing;
  private ManagedChannel channel;
  private final AtomicInteger sessions = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    Path agentSocket = dir.resolve("agent.sock");
    agent = new UnixSocketServer(agentSocket, List.of(), Duration.ofSeconds(10)).start();
    portHostEnd = listen(dir.resolve("port.sock"));
    bridge = new VirtioPortBridge(
        () -> new SocketPort(LocalConnection.open(dir.resolve("port.sock"))), agentSocket);
    bridge.start();
    hostFacing = listen(dir.resolve("host.sock"));
    Thread host = new Thread(this::relay, "host-relay");
    host.setDaemon(true);
    host.start();
    channel = UnixSocketChannels.open(dir.resolve("host.sock"), Duration.ZERO);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    agent.stop(Duration.ofSeconds(1));
    bridge.stop();
    portHostEnd.close();
    hostFacing.close();
  }

  private HealthGrpc.HealthBlockingStub health() {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void grpcCall_crossesTheBridge_afterTheHandshake() {
    assertEquals(HealthCheckResponse.ServingStatus.SERVING,
        health().check(HealthCheckRequest.getDefaultInstance()).getStatus());
    assertEquals(1, sessions.get());
  }

  /**
   * Issue 10: a hello line in a request's string field (also after a run of newlines and before
   * an HTTP/2 preface) and in a header value is that call's data: the call gets its ordinary
   * answer, and the same session answers the next call. (The answer's status message repeats the
   * string, and must fit the client's header limit; {@link VirtioPortBridgeTest} sends whole
   * frames of newlines.)
   */
  @Test
  void aHelloLineInsideACall_getsItsOrdinaryAnswer_andTheSameSessionAnswersTheNext() {
    Metadata headers = new Metadata();
    headers.put(NOTE, "RAIDVM-HELLO/1 0123456789abcdef0123456789abcdef");
    HealthGrpc.HealthBlockingStub smuggling =
        health().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

    for (String service : List.of("/mnt/md127/x" + HELLO_LINE + "x",
        "\n".repeat(2000) + HELLO_LINE + PREFACE_TEXT)) {
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> smuggling.check(HealthCheckRequest.newBuilder().setService(service).build()));
      assertEquals(Status.Code.NOT_FOUND, refused.getStatus().getCode(), refused.toString());
    }

    assertEquals(HealthCheckResponse.ServingStatus.SERVING,
        health().check(HealthCheckRequest.getDefaultInstance()).getStatus());
    assertEquals(1, sessions.get(), "one handshake: the session was never broken");
  }

  private static final String PREFACE_TEXT = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

  private static ServerSocketChannel listen(Path path) throws java.io.IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    return server;
  }

  /**
   * What the host controller does: for each connection of the client, hello on the port, wait for
   * READY, then copy both ways; counts the sessions.
   */
  private void relay() {
    try (SocketChannel port = portHostEnd.accept()) {
      InputStream portIn = in(port);
      OutputStream portOut = out(port);
      while (true) {
        try (SocketChannel client = hostFacing.accept()) {
          OutputStream clientOut = out(client);
          byte[] rest = Handshake.initiate(portIn, portOut, Handshake.newNonce());
          sessions.incrementAndGet();
          clientOut.write(rest);
          Thread up = new Thread(() -> BytePump.copy(in(client), portOut));
          up.setDaemon(true);
          up.start();
          BytePump.copy(portIn, clientOut);
        }
      }
    } catch (java.io.IOException e) {
      // The test is over.
    }
  }

  /*
   * Streams that call the channel directly: the Channels.newInputStream/newOutputStream pair
   * shares one lock, and a blocked read would stall every write (see LocalConnection).
   */
  private static InputStream in(SocketChannel channel) {
    return new InputStream() {
      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws java.io.IOException {
        return channel.read(ByteBuffer.wrap(b, off, len));
      }
    };
  }

  private static OutputStream out(SocketChannel channel) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void write(byte[] b, int off, int len) throws java.io.IOException {
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
    };
  }

  /** The guest end of a Unix socket standing in for the virtio port. */
  private record SocketPort(LocalConnection connection) implements AgentPort {
    @Override
    public InputStream input() {
      return connection.input();
    }

    @Override
    public OutputStream output() {
      return connection.output();
    }

    @Override
    public void close() {
      connection.close();
    }
  }
}
