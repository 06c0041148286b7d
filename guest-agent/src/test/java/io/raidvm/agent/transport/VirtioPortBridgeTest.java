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
    return new String(Handshake.hello(nonce), StandardCharsets.ISO_8859_1);
  }

  private static String ready(String nonce) {
    return new String(Handshake.ready(nonce), StandardCharsets.ISO_8859_1);
  }

  /** The HTTP/2 client preface, the first bytes of every session. */
  private static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

  /** A DATA frame on stream 1 carrying {@code payload} (at most 16384 bytes). */
  private static String frame(String payload) {
    int n = payload.length();
    return new String(new char[] {0, (char) (n >> 8), (char) (n & 0xff), 0, 0, 0, 0, 0, 1})
        + payload;
  }

  private void awaitFromGuest(String expected) {
    Await.until(() -> port.fromGuest().equals(expected),
        () -> "port to carry \"" + expected + "\", got \"" + port.fromGuest() + "\"");
  }

  @Test
  void hello_isAnsweredWithReady_andOnlyTheBytesAfterItReachTheServer() {
    port.connectHost();
    port.send("stale bytes of an old session" + hello(NONCE_1) + PREFACE);

    awaitFromGuest(ready(NONCE_1));
    server.connection(0).awaitReceived(PREFACE);
  }

  @Test
  void endOfStreamWhileNoHostIsConnected_isReadAgain_untilAHostSaysHello() {
    Await.until(() -> port.eofReads() > 3, () -> "the bridge to poll the idle port");

    port.connectHost();
    port.send(hello(NONCE_1) + PREFACE + frame("after"));

    awaitFromGuest(ready(NONCE_1));
    server.connection(0).awaitReceived(PREFACE + frame("after"));
  }

  @Test
  void helloSplitAcrossReads_isRecognized() {
    port.connectHost();
    String hello = hello(NONCE_1);
    int split = hello.length() - 30;
    port.send("noise" + hello.substring(0, split));
    port.send(hello.substring(split) + PREFACE);

    awaitFromGuest(ready(NONCE_1));
    server.connection(0).awaitReceived(PREFACE);
  }

  @Test
  void aHelloLineWithoutTheFiller_isNotAnswered() {
    port.connectHost();
    port.send("\nRAIDVM-HELLO/1 " + NONCE_1 + "\n" + PREFACE);
    port.send(hello(NONCE_2) + PREFACE);

    awaitFromGuest(ready(NONCE_2));
    server.connection(0).awaitReceived(PREFACE);
    assertEquals(1, server.connectionCount());
  }

  @Test
  void bytesBothWays_flowAfterTheHandshake_withReadyFirst() throws IOException {
    port.connectHost();
    port.send(hello(NONCE_1));
    awaitFromGuest(ready(NONCE_1));

    server.connection(0).send("server settings");
    port.send(PREFACE + frame("client request"));

    awaitFromGuest(ready(NONCE_1) + "server settings");
    server.connection(0).awaitReceived(PREFACE + frame("client request"));
  }

  /**
   * What a request can carry cannot steer the bridge: frames whose payloads are newlines and a
   * hello line (the most a valid stream can put before one) are data of the same session.
   */
  @Test
  void aHelloInsideTheSessionsFrames_isForwardedAsData_andTheSessionGoesOn() {
    port.connectHost();
    port.send(hello(NONCE_1) + PREFACE);
    String line = "RAIDVM-HELLO/1 " + NONCE_2 + "\n";
    String smuggled = frame("\n".repeat(16384)) + frame("\n".repeat(16384 - line.length()) + line)
        + frame(line + PREFACE);
    port.send(smuggled);
    port.send(frame("next call"));

    server.connection(0).awaitReceived(PREFACE + smuggled + frame("next call"));
    assertEquals(ready(NONCE_1), port.fromGuest());
    assertEquals(1, server.connectionCount());
  }

  @Test
  void hostHangUp_closesTheServerConnection_andTheNextHelloGetsAFreshOne() {
    port.connectHost();
    port.send(hello(NONCE_1) + PREFACE + frame("first"));
    server.connection(0).awaitReceived(PREFACE + frame("first"));

    port.hangUp();
    server.connection(0).awaitEnd();

    port.connectHost();
    port.send(hello(NONCE_2) + PREFACE + frame("second"));
    awaitFromGuest(ready(NONCE_1) + ready(NONCE_2));
    server.connection(1).awaitReceived(PREFACE + frame("second"));
    assertEquals(PREFACE + frame("first"), server.connection(0).received());
  }

  /**
   * A host that died inside a frame, without the guest seeing it hang up: the next host's filler
   * completes that frame, the next newline is out of step, and the hello after it is found.
   */
  @Test
  void helloWithoutHangUp_afterAFrameLeftUnfinished_endsTheOldSession_andStartsTheNewOne() {
    port.connectHost();
    port.send(hello(NONCE_1) + PREFACE + frame("first"));
    server.connection(0).awaitReceived(PREFACE + frame("first"));
    String unfinished = frame("x".repeat(16384)).substring(0, 100);

    port.send(unfinished + hello(NONCE_2) + PREFACE + frame("second"));

    awaitFromGuest(ready(NONCE_1) + ready(NONCE_2));
    server.connection(0).awaitEnd();
    server.connection(1).awaitReceived(PREFACE + frame("second"));
    assertTrue(server.connection(0).received().startsWith(PREFACE + frame("first") + unfinished),
        "the unfinished frame went to the old session");
  }

  @Test
  void bytesThatAreNoHttp2AfterTheHello_endTheSession_andALaterHelloIsFound() {
    port.connectHost();
    port.send(hello(NONCE_1) + "GET / HTTP/1.1\r\n");
    server.connection(0).awaitEnd();

    port.send(hello(NONCE_2) + PREFACE);

    awaitFromGuest(ready(NONCE_1) + ready(NONCE_2));
    server.connection(1).awaitReceived(PREFACE);
  }

  @Test
  void serverClosingFirst_dropsTheSessionsFrames_withoutLosingTheNextHello()
      throws IOException {
    port.connectHost();
    port.send(hello(NONCE_1) + PREFACE + frame("first"));
    server.connection(0).awaitReceived(PREFACE + frame("first"));

    server.connection(0).close();
    port.send(frame("late bytes of session 1"));
    port.send(frame("more late bytes") + hello(NONCE_2) + PREFACE + frame("second"));

    awaitFromGuest(ready(NONCE_1) + ready(NONCE_2));
    server.connection(1).awaitReceived(PREFACE + frame("second"));
    assertEquals(2, server.connectionCount());
  }

  @Test
  void serverClosingFirst_aHelloInsideTheFramesThatFollow_isNotTaken() throws IOException {
    port.connectHost();
    port.send(hello(NONCE_1) + PREFACE);
    server.connection(0).awaitReceived(PREFACE);
    server.connection(0).close();
    server.connection(0).awaitEnd();

    String line = "RAIDVM-HELLO/1 " + NONCE_2 + "\n";
    port.send(frame("\n".repeat(16384)) + frame("\n".repeat(16384 - line.length()) + line)
        + frame(PREFACE));
    port.send(hello(NONCE_3) + PREFACE + frame("after"));

    awaitFromGuest(ready(NONCE_1) + ready(NONCE_3));
    server.connection(1).awaitReceived(PREFACE + frame("after"));
    assertEquals(2, server.connectionCount());
    assertEquals(PREFACE, server.connection(0).received());
  }

  @Test
  void helloWhileTheServerIsDown_isNotAnswered_andALaterHelloIs()
      throws IOException, InterruptedException {
    server.close();
    Files.delete(socket());
    port.connectHost();
    port.send(hello(NONCE_1) + "lost");
    Await.until(port::allRead, () -> "the bridge to read the hello");
    int waits = port.idleWaits();
    Await.until(() -> port.idleWaits() > waits, () -> "the bridge to be done with the hello");

    server = new LocalServerStub(socket());
    port.send(hello(NONCE_2) + PREFACE);

    awaitFromGuest(ready(NONCE_2));
    server.connection(0).awaitReceived(PREFACE);
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
    second.send(hello(NONCE_3) + PREFACE);
    Await.until(() -> second.fromGuest().equals(ready(NONCE_3)), () -> "session on reopened port");
    assertTrue(first.isClosed());
    server.connection(0).awaitEnd();
    server.connection(1).awaitReceived(PREFACE);
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
