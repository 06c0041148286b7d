package io.raidvm.agent.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real HTTP/2 through the bridge: a grpc-netty client on the host side, the handshake, the bridge,
 * and a grpc-netty server on the private socket. The "port" is a Unix socket pair.
 */
class BridgeGrpcTest {

  @TempDir
  Path dir;

  @Test
  void grpcCall_crossesTheBridge_afterTheHandshake() throws Exception {
    Path agentSocket = dir.resolve("agent.sock");
    UnixSocketServer agent =
        new UnixSocketServer(agentSocket, List.of(), Duration.ofSeconds(10)).start();
    ServerSocketChannel portHostEnd = listen(dir.resolve("port.sock"));
    VirtioPortBridge bridge = new VirtioPortBridge(
        () -> new SocketPort(LocalConnection.open(dir.resolve("port.sock"))), agentSocket);
    bridge.start();
    ServerSocketChannel hostFacing = listen(dir.resolve("host.sock"));
    Thread host = new Thread(() -> relay(portHostEnd, hostFacing), "host-relay");
    host.setDaemon(true);
    host.start();

    ManagedChannel channel = UnixSocketChannels.open(dir.resolve("host.sock"), Duration.ZERO);
    try {
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      agent.stop(Duration.ofSeconds(1));
      bridge.stop();
      portHostEnd.close();
      hostFacing.close();
    }
  }

  private static ServerSocketChannel listen(Path path) throws java.io.IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    return server;
  }

  /** What the host controller does: hello on the port, wait for READY, then copy both ways. */
  private static void relay(ServerSocketChannel portHostEnd, ServerSocketChannel hostFacing) {
    try (SocketChannel port = portHostEnd.accept(); SocketChannel client = hostFacing.accept()) {
      InputStream portIn = in(port);
      OutputStream portOut = out(port);
      OutputStream clientOut = out(client);
      byte[] rest = Handshake.initiate(portIn, portOut, Handshake.newNonce());
      clientOut.write(rest);
      Thread up = new Thread(() -> BytePump.copy(in(client), portOut));
      up.setDaemon(true);
      up.start();
      BytePump.copy(portIn, clientOut);
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
