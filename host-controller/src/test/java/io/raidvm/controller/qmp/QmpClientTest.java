package io.raidvm.controller.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.raidvm.common.error.RaidvmException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a fake monitor that answers as QEMU 7.2 did (greeting, events before replies). */
class QmpClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22,"
      + " \"minor\": 2, \"major\": 7}, \"package\": \"\"}, \"capabilities\": [\"oob\"]}}\r\n";

  @TempDir
  Path dir;
  private ServerSocketChannel server;
  private Thread monitor;
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

  @BeforeEach
  void setUp() throws Exception {
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(dir.resolve("qmp.sock")));
    monitor = new Thread(this::serveOne);
    monitor.setDaemon(true);
    monitor.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    server.close();
  }

  /** Greets, then answers each command: quit ends the session, unknown ones get an error. */
  private void serveOne() {
    try (SocketChannel ch = server.accept()) {
      OutputStream out = Channels.newOutputStream(ch);
      BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
          StandardCharsets.UTF_8));
      out.write(GREETING.getBytes(StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        received.add(line);
        var cmd = JSON.readTree(line);
        String id = cmd.path("id").asText();
        String reply = switch (cmd.path("execute").asText()) {
          case "qmp_capabilities" -> "{\"return\": {}, \"id\": \"" + id + "\"}";
          case "system_powerdown" -> "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2},"
              + " \"event\": \"POWERDOWN\"}\r\n{\"return\": {}, \"id\": \"" + id + "\"}";
          case "query-status" -> "{\"return\": {\"status\": \"running\", \"running\": true},"
              + " \"id\": \"" + id + "\"}";
          case "quit" -> null;
          default -> "{\"id\": \"" + id + "\", \"error\": {\"class\": \"CommandNotFound\","
              + " \"desc\": \"The command " + cmd.path("execute").asText()
              + " has not been found\"}}";
        };
        if (reply == null) {
          return;
        }
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
    } catch (Exception e) {
      // The test ended.
    }
  }

  @Test
  void connect_negotiatesCapabilitiesFirst() throws Exception {
    try (QmpClient qmp = QmpClient.connect(dir.resolve("qmp.sock"))) {
      assertEquals("{\"execute\":\"qmp_capabilities\",\"id\":\"c1\"}",
          received.poll(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void execute_returnsTheReplyWithItsId() {
    try (QmpClient qmp = QmpClient.connect(dir.resolve("qmp.sock"))) {
      assertEquals("running",
          qmp.execute("query-status", null, Duration.ofSeconds(5)).path("status").asText());
    }
  }

  @Test
  void execute_deliversEventsThatArriveBeforeTheReply() throws Exception {
    try (QmpClient qmp = QmpClient.connect(dir.resolve("qmp.sock"))) {
      BlockingQueue<QmpMessage.Event> events = new LinkedBlockingQueue<>();
      qmp.addEventListener(events::add);
      qmp.execute("system_powerdown", null, Duration.ofSeconds(5));
      assertEquals("POWERDOWN", events.poll(5, TimeUnit.SECONDS).name());
    }
  }

  @Test
  void execute_errorReply_failsWithQemusClassAndDescription() {
    try (QmpClient qmp = QmpClient.connect(dir.resolve("qmp.sock"))) {
      var e = assertThrows(RaidvmException.class,
          () -> qmp.execute("nope", null, Duration.ofSeconds(5)));
      assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
      assertEquals("QEMU refused the command: CommandNotFound: The command nope has not been"
          + " found", e.getMessage());
    }
  }

  @Test
  void execute_whenQemuGoesAway_failsWithUnavailableAndRunsCloseListeners() throws Exception {
    try (QmpClient qmp = QmpClient.connect(dir.resolve("qmp.sock"))) {
      CountDownLatch closed = new CountDownLatch(1);
      qmp.onClose(closed::countDown);
      var e = assertThrows(RaidvmException.class,
          () -> qmp.execute("quit", null, Duration.ofSeconds(5)));
      assertEquals(RaidvmException.Kind.UNAVAILABLE, e.kind());
      assertTrue(closed.await(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void connect_withNoMonitor_failsWithUnavailable() {
    var e = assertThrows(RaidvmException.class,
        () -> QmpClient.connect(dir.resolve("absent.sock")));
    assertEquals(RaidvmException.Kind.UNAVAILABLE, e.kind());
  }
}
