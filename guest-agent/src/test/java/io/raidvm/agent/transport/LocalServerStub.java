package io.raidvm.agent.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the agent's gRPC server: a real Unix socket that records every connection the
 * bridge opens and what arrives on it, and lets the test answer or hang up.
 */
final class LocalServerStub implements AutoCloseable {

  private final ServerSocketChannel server;
  private final List<Connection> connections = new CopyOnWriteArrayList<>();

  LocalServerStub(Path socket) throws IOException {
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Thread acceptor = new Thread(this::accept, "stub-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept() {
    try {
      while (true) {
        connections.add(new Connection(server.accept()));
      }
    } catch (IOException e) {
      // Closed by the test.
    }
  }

  int connectionCount() {
    return connections.size();
  }

  /** The {@code index}-th connection the bridge opened, waiting for it if need be. */
  Connection connection(int index) {
    Await.until(() -> connections.size() > index,
        () -> "connection #" + index + "; have " + connections.size());
    return connections.get(index);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Connection connection : connections) {
      connection.close();
    }
  }

  /** One connection from the bridge. */
  static final class Connection {
    private final SocketChannel channel;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile boolean ended;

    Connection(SocketChannel channel) {
      this.channel = channel;
      Thread reader = new Thread(this::read, "stub-read");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      try {
        while (channel.read(buffer) >= 0) {
          synchronized (received) {
            received.write(buffer.array(), 0, buffer.position());
          }
          buffer.clear();
        }
      } catch (IOException e) {
        // Closed by either side: the connection is over either way.
      }
      ended = true;
    }

    String received() {
      synchronized (received) {
        return received.toString(StandardCharsets.ISO_8859_1);
      }
    }

    void awaitReceived(String expected) {
      Await.until(() -> received().equals(expected),
          () -> "local connection to receive \"" + expected + "\", got \"" + received() + "\"");
    }

    void awaitEnd() {
      Await.until(() -> ended, () -> "the bridge to close the local connection");
    }

    void send(String text) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }

    void close() throws IOException {
      channel.close();
    }
  }
}
