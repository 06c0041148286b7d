package io.raidvm.controller.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raidvm.controller.Fixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A QMP monitor that plays back a transcript captured from a real QEMU
 * (fixtures/qmp, "> " sent, "< " received): it greets as that QEMU did, and each command
 * it receives must be the next one of the transcript (compared as JSON, the id aside); it then
 * answers what QEMU answered (with the client's id) and the events that followed. A command
 * that differs, or one past the end, ends the session and is kept as the mismatch.
 */
final class QmpTranscript implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> lines;
  private final ServerSocketChannel server;
  private final CompletableFuture<String> outcome = new CompletableFuture<>();
  private final List<String> received = new ArrayList<>();

  private QmpTranscript(List<String> lines, Path socket) throws IOException {
    this.lines = lines;
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Thread t = new Thread(this::serve, "qmp-transcript");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Serves the fixture {@code qmp/<name>} on {@code socket}, each key of
   * {@code replace} replaced by its value first (e.g. the capture's disk folder by the test's).
   */
  static QmpTranscript serve(String name, Path socket, Map<String, String> replace)
      throws IOException {
    String text = Fixtures.read("qmp/" + name);
    for (Map.Entry<String, String> r : replace.entrySet()) {
      text = text.replace(r.getKey(), r.getValue());
    }
    return new QmpTranscript(text.lines().toList(), socket);
  }

  /** Serves these transcript lines (a fixture's, some left out) on {@code socket}. */
  static QmpTranscript serve(List<String> lines, Path socket) throws IOException {
    return new QmpTranscript(lines, socket);
  }

  /** The lines of the fixture {@code qmp/<name>}. */
  static List<String> lines(String name) {
    return Fixtures.read("qmp/" + name).lines().toList();
  }

  /** The QMP reply QEMU sent to the transcript's {@code n}-th command (1: qmp_capabilities). */
  static JsonNode reply(String name, int n) throws IOException {
    List<String> all = lines(name);
    int seen = 0;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).startsWith("> ") && ++seen == n) {
        return JSON.readTree(all.get(i + 1).substring(2)).get("return");
      }
    }
    throw new AssertionError(name + " has no command " + n);
  }

  /**
   * Waits until the session ends (the client hung up) and returns "" when every command of the
   * transcript came, in order, and nothing else; otherwise what went wrong.
   */
  String awaitEnd() throws Exception {
    return outcome.get(30, TimeUnit.SECONDS);
  }

  /** The commands received, as {@code execute} names, in order. */
  synchronized List<String> received() {
    return List.copyOf(received);
  }

  private void serve() {
    int i = 0;
    try (SocketChannel ch = server.accept()) {
      OutputStream out = Channels.newOutputStream(ch);
      BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
          StandardCharsets.UTF_8));
      i = answer(out, i, null);
      for (String line; (line = in.readLine()) != null; ) {
        ObjectNode got = (ObjectNode) JSON.readTree(line);
        String id = got.path("id").asText();
        synchronized (this) {
          received.add(got.path("execute").asText());
        }
        if (i >= lines.size() || !lines.get(i).startsWith("> ")) {
          outcome.complete("a command past the transcript's end: " + line);
          return;
        }
        ObjectNode want = (ObjectNode) JSON.readTree(lines.get(i).substring(2));
        got.remove("id");
        want.remove("id");
        if (!want.equals(got)) {
          outcome.complete("expected " + want + " but got " + got);
          return;
        }
        i = answer(out, i + 1, id);
      }
      outcome.complete(i == lines.size() ? "" : "the client hung up before "
          + lines.get(i));
    } catch (IOException e) {
      // A client that hangs up with the transcript's last events still unread resets the
      // connection: that is the end of a whole session too.
      outcome.complete(i == lines.size() ? "" : "the session failed: " + e);
    }
  }

  /** Sends the received lines from {@code i} on, the reply's id made {@code id}. */
  private int answer(OutputStream out, int i, String id) throws IOException {
    for (; i < lines.size() && lines.get(i).startsWith("< "); i++) {
      ObjectNode msg = (ObjectNode) JSON.readTree(lines.get(i).substring(2));
      if (msg.has("id") && id != null) {
        msg.put("id", id);
      }
      out.write((msg + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
    return i;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
