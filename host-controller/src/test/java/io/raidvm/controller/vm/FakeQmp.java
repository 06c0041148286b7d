package io.raidvm.controller.vm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A QMP socket for VmManager's tests: either one that only listens (a connection attempt stays in
 * its backlog, where {@link #pendingConnections} finds it), or a monitor that greets as QEMU 7.2
 * does, answers every command with an empty return, sends events and hangs up on request.
 */
final class FakeQmp implements AutoCloseable {

  private static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0,"
      + " \"minor\": 2, \"major\": 7}, \"package\": \"\"}, \"capabilities\": [\"oob\"]}}\r\n";
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]*)\"");

  private final ServerSocketChannel server;
  private final CountDownLatch greeted = new CountDownLatch(1);
  private volatile SocketChannel session;

  private FakeQmp(Path socket) {
    try {
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Listens and never accepts by itself. */
  static FakeQmp listening(Path socket) {
    return new FakeQmp(socket);
  }

  /** Accepts one session and answers it. */
  static FakeQmp answering(Path socket) {
    FakeQmp qmp = new FakeQmp(socket);
    Thread t = new Thread(qmp::serveOne, "fake-qmp");
    t.setDaemon(true);
    t.start();
    return qmp;
  }

  /** Leaves a socket file that nobody listens on: connecting to it is refused. */
  static void refusing(Path socket) {
    new FakeQmp(socket).close();
  }

  /** Connections made to a {@link #listening} socket, taken from its backlog. */
  int pendingConnections() throws IOException {
    server.configureBlocking(false);
    int n = 0;
    for (SocketChannel c; (c = server.accept()) != null; n++) {
      c.close();
    }
    return n;
  }

  /** Sends an event, e.g. {@code "SHUTDOWN", "{\"guest\": false, \"reason\": \"host-signal\"}"}. */
  void event(String name, String data) throws Exception {
    if (!greeted.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("nobody connected to the fake QMP socket");
    }
    write("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"" + name
        + "\", \"data\": " + data + "}\r\n");
  }

  /** Ends the session, as QEMU's exit does. */
  void hangUp() throws IOException {
    SocketChannel s = session;
    if (s != null) {
      s.close();
    }
  }

  private void serveOne() {
    try {
      session = server.accept();
      write(GREETING);
      greeted.countDown();
      BufferedReader in = new BufferedReader(new InputStreamReader(
          Channels.newInputStream(session), StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        Matcher id = ID.matcher(line);
        write("{\"return\": {}, \"id\": \"" + (id.find() ? id.group(1) : "") + "\"}\r\n");
      }
    } catch (IOException e) {
      // Hung up, or closed.
    }
  }

  private synchronized void write(String text) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      session.write(buf);
    }
  }

  @Override
  public void close() {
    try {
      hangUp();
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
