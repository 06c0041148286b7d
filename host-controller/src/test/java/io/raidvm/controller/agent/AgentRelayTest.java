package io.raidvm.controller.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.transport.Handshake;
import io.raidvm.common.transport.ChannelStreams;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay against a fake guest end on QEMU's side of the agent port: a Unix socket whose peer
 * runs the guest half of the handshake, as the agent's bridge does, then echoes.
 */
class AgentRelayTest {

  @TempDir
  Path dir;
  private ServerSocketChannel qemuChardev;
  private AgentRelay relay;
  private final BlockingQueue<String> failures = new LinkedBlockingQueue<>();

  @BeforeEach
  void setUp() throws Exception {
    qemuChardev = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    qemuChardev.bind(UnixDomainSocketAddress.of(dir.resolve("agent.sock")));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (relay != null) {
      relay.close();
    }
    qemuChardev.close();
  }

  private void startRelay(Duration handshakeTimeout) {
    relay = AgentRelay.start(dir.resolve("agent-grpc.sock"), dir.resolve("agent.sock"),
        handshakeTimeout, failures::add);
  }

  /** The guest: answers the hello after stale bytes, sends {@code early} at once, then echoes. */
  private void guest(String stale, String early) {
    Thread t = new Thread(() -> {
      try (SocketChannel ch = qemuChardev.accept()) {
        InputStream in = ChannelStreams.in(ch);
        OutputStream out = ChannelStreams.out(ch);
        var hello = Handshake.awaitHello(in).orElseThrow();
        out.write(stale.getBytes(StandardCharsets.US_ASCII));
        out.write(Handshake.ready(hello.nonce()));
        out.write(early.getBytes(StandardCharsets.US_ASCII));
        out.write(hello.rest());
        in.transferTo(out);
      } catch (Exception e) {
        // The test ended.
      }
    });
    t.setDaemon(true);
    t.start();
  }

  private static SocketChannel connect(Path socket) throws Exception {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(socket));
    return ch;
  }

  private static String readExactly(InputStream in, int n) throws Exception {
    return new String(in.readNBytes(n), StandardCharsets.US_ASCII);
  }

  @Test
  void session_afterHandshake_passesBytesBothWaysAndDropsStaleOnes() throws Exception {
    startRelay(Duration.ofSeconds(5));
    guest("stale bytes of an old session\n", "EARLY");
    try (SocketChannel client = connect(dir.resolve("agent-grpc.sock"))) {
      InputStream in = ChannelStreams.in(client);
      assertEquals("EARLY", readExactly(in, 5));
      ChannelStreams.out(client).write("PRI * HTTP/2.0".getBytes(StandardCharsets.US_ASCII));
      assertEquals("PRI * HTTP/2.0", readExactly(in, 14));
      client.shutdownOutput();
      // the relay hangs up on the client only after it has reported any failure of the session
      assertEquals(-1, in.read());
    }
    assertEquals(List.of(), List.copyOf(failures));
    assertEquals(1, relay.sessions());
  }

  @Test
  void session_whenGuestNeverAnswers_closesClientAndSaysItDidNotAnswerInTime() throws Exception {
    startRelay(Duration.ofMillis(300));
    Thread silent = new Thread(() -> {
      try (SocketChannel ch = qemuChardev.accept()) {
        ChannelStreams.in(ch).transferTo(OutputStream.nullOutputStream());
      } catch (Exception e) {
        // The relay hung up.
      }
    });
    silent.setDaemon(true);
    silent.start();
    try (SocketChannel client = connect(dir.resolve("agent-grpc.sock"))) {
      assertEquals(-1, ChannelStreams.in(client).read());
    }
    String failure = failures.poll(5, TimeUnit.SECONDS);
    assertEquals("agent port " + dir.resolve("agent.sock") + ": the agent did not answer the"
        + " handshake within 300 ms", failure);
    assertEquals(0, relay.sessions(), "a handshake that timed out is no session");
  }

  @Test
  void session_whenQemuSocketIsMissing_closesClientAndSaysWhy() throws Exception {
    qemuChardev.close();
    java.nio.file.Files.delete(dir.resolve("agent.sock"));
    startRelay(Duration.ofSeconds(5));
    try (SocketChannel client = connect(dir.resolve("agent-grpc.sock"))) {
      assertEquals(-1, ChannelStreams.in(client).read());
    }
    assertTrue(failures.poll(5, TimeUnit.SECONDS).startsWith("agent port "
        + dir.resolve("agent.sock") + ": "));
  }

  @Test
  void close_removesTheListeningSocket() {
    startRelay(Duration.ofSeconds(5));
    relay.close();
    assertFalse(java.nio.file.Files.exists(dir.resolve("agent-grpc.sock")));
  }
}
