package io.raidvm.agent.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.transport.Handshake;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtioPortBridgeTest {

  private static final String NONCE_1 = "1".repeat(32);
  private static final String NONCE_2 = "2".repeat(32);
  private static final String NONCE_3 = "3".repeat(32);
  private static final Duration FAST = Duration.ofMillis(10);

  @TempDir
  Path dir;

  private FakePort port;
  private LocalServerStub server;
  private VirtioPortBridge bridge;

  @BeforeEach
  void startBridge() throws IOException {
    port = new FakePort();
    server = new LocalServerStub(socket());
    bridge = new VirtioPortBridge(() -> port, socket(), FAST, FAST);
    bridge.start();
  }

  /** In the order the agent stops: the gRPC server first, then the bridge. */
  @AfterEach
  void stopBridge() throws IOException {
    server.close();
    bridge.stop();
  }

  private Path socket() {
    return dir.resolve("agent.sock");
  }

  private static String hello(String nonce) {
    return new String(Handshake.hello(nonce), StandardCharsets.US_ASCII);
  }

  private static String ready(String nonce) {
    return new String(Handshake.ready(nonce), StandardCharsets.US_ASCII);
  }

  private void awaitFromGuest(String expected) {
    Await.until(() -> port.fromGuest().equals(expected),
        () -> "port to carry \"" + expected + "\", got \"" + port.fromGuest() + "\"");
  }

  @Test
  void hello_isAnsweredWithReady_andOnlyTheBytesAfterItReachTheServer() {
    port.connectHost();
    port.send("stale bytes of an old session" + hello(NONCE_1) + "PRI * HTTP/2.0");

    awaitFromGuest(ready(NONCE_1));
    server.connection(0).awaitReceived("PRI * HTTP/2.0");
  }

  @Test
  void endOfStreamWhileNoHostIsConnected_isReadAgain_untilAHostSaysHello() {
    Await.until(() -> port.eofReads() > 3, () -> "the bridge to poll the idle port");

    port.connectHost();
    port.send(hello(NONCE_1) + "after");

    awaitFromGuest(ready(NONCE_1));
    server.connection(0).awaitReceived("after");
  }

  @Test
  void helloSplitAcrossReads_isRecognized() {
    port.connectHost();
    String hello = hello(NONCE_1);
    port.send("noise" + hello.substring(0, 20));
    port.send(hello.substring(20) + "data");

    awaitFromGuest(ready(NONCE_1));
    server.connection(0).awaitReceived("data");
  }

  @Test
  void bytesBothWays_flowAfterTheHandshake_withReadyFirst() throws IOException {
    port.connectHost();
    port.send(hello(NONCE_1));
    awaitFromGuest(ready(NONCE_1));

    server.connection(0).send("server settings");
    port.send("client request");

    awaitFromGuest(ready(NONCE_1) + "server settings");
    server.connection(0).awaitReceived("client request");
  }

  @Test
  void hostHangUp_closesTheServerConnection_andTheNextHelloGetsAFreshOne() {
    port.connectHost();
    port.send(hello(NONCE_1) + "first");
    server.connection(0).awaitReceived("first");

    port.hangUp();
    server.connection(0).awaitEnd();

    port.connectHost();
    port.send(hello(NONCE_2) + "second");
    awaitFromGuest(ready(NONCE_1) + ready(NONCE_2));
    server.connection(1).awaitReceived("second");
    assertEquals("first", server.connection(0).received());
  }

  @Test
  void helloWithoutHangUp_endsTheOldSession_andStartsTheNewOneAtTheHello() {
    port.connectHost();
    port.send(hello(NONCE_1) + "first");
    server.connection(0).awaitReceived("first");

    port.send("tail of session 1" + hello(NONCE_2) + "second");

    awaitFromGuest(ready(NONCE_1) + ready(NONCE_2));
    server.connection(0).awaitEnd();
    server.connection(1).awaitReceived("second");
    assertEquals("first", server.connection(0).received());
  }

  @Test
  void serverClosingFirst_sendsTheReaderBackToHandshake_withoutLosingTheNextHello()
      throws IOException {
    port.connectHost();
    port.send(hello(NONCE_1) + "first");
    server.connection(0).awaitReceived("first");

    server.connection(0).close();
    port.send("late bytes of session 1");
    port.send("more late bytes" + hello(NONCE_2) + "second");

    awaitFromGuest(ready(NONCE_1) + ready(NONCE_2));
    server.connection(1).awaitReceived("second");
    assertEquals(2, server.connectionCount());
  }

  @Test
  void serverClosingFirst_discardsBytesUntilAHello() throws IOException {
    port.connectHost();
    port.send(hello(NONCE_1));
    awaitFromGuest(ready(NONCE_1));
    server.connection(0).close();

    port.send("bytes nobody should see");
    port.send(hello(NONCE_2) + "after");

    awaitFromGuest(ready(NONCE_1) + ready(NONCE_2));
    server.connection(1).awaitReceived("after");
    assertEquals(2, server.connectionCount());
    assertEquals("", server.connection(0).received());
  }

  @Test
  void helloWhileTheServerIsDown_isNotAnswered_andALaterHelloIs()
      throws IOException, InterruptedException {
    server.close();
    Files.delete(socket());
    port.connectHost();
    port.send(hello(NONCE_1) + "lost");
    Await.until(port::allRead, () -> "the bridge to read the hello");

    server = new LocalServerStub(socket());
    port.send(hello(NONCE_2) + "data");

    awaitFromGuest(ready(NONCE_2));
    server.connection(0).awaitReceived("data");
    assertEquals(1, server.connectionCount());
  }

  @Test
  void failingPort_isClosedAndOpenedAgain() throws IOException {
    AtomicInteger opens = new AtomicInteger();
    Deque<FakePort> ports = new ArrayDeque<>(List.of(new FakePort(), new FakePort()));
    FakePort first = ports.peekFirst();
    FakePort second = ports.peekLast();
    bridge.stop();
    bridge = new VirtioPortBridge(() -> {
      opens.incrementAndGet();
      if (ports.isEmpty()) {
        throw new IOException("no more ports");
      }
      return ports.removeFirst();
    }, socket(), FAST, FAST);
    bridge.start();

    first.connectHost();
    first.send(hello(NONCE_1));
    Await.until(() -> first.fromGuest().equals(ready(NONCE_1)), () -> "first session");
    first.breakDevice();

    second.connectHost();
    second.send(hello(NONCE_3) + "again");
    Await.until(() -> second.fromGuest().equals(ready(NONCE_3)), () -> "session on reopened port");
    assertTrue(first.isClosed());
    server.connection(0).awaitEnd();
    server.connection(1).awaitReceived("again");
    assertEquals(2, opens.get());
  }

  @Test
  void missingDevice_isWaitedFor() {
    AtomicInteger attempts = new AtomicInteger();
    bridge.stop();
    port = new FakePort();
    bridge = new VirtioPortBridge(() -> {
      if (attempts.incrementAndGet() < 3) {
        throw new NoSuchFileException("/dev/virtio-ports/io.raidvm.agent.0");
      }
      return port;
    }, socket(), FAST, FAST);
    bridge.start();

    port.connectHost();
    port.send(hello(NONCE_1));

    awaitFromGuest(ready(NONCE_1));
    assertEquals(3, attempts.get());
  }

  @Test
  void stop_closesThePortAndTheServerConnection() {
    port.connectHost();
    port.send(hello(NONCE_1));
    awaitFromGuest(ready(NONCE_1));

    bridge.stop();

    server.connection(0).awaitEnd();
    assertTrue(port.isClosed());
  }
}
