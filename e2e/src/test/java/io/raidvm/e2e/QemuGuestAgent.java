package io.raidvm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * A client of QEMU's guest agent (qemu-ga) on the host end of its virtio-serial port, as a tool
 * built on qemu-ga would be: QMP-style JSON, one command and one answer a line. For
 * scripts/bench, which sets it beside raidvm's agent; raidvm itself never speaks to qemu-ga.
 */
final class QemuGuestAgent implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PING_EVERY = Duration.ofMillis(200);

  /** What a {@code guest-exec} ended with. */
  record Exec(int exitCode, String out) {}

  private final SocketChannel channel;
  private final ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private long nextSyncId = 1;

  private QemuGuestAgent(SocketChannel channel) {
    this.channel = channel;
  }

  /**
   * Connects to a qemu-ga that answers, then syncs ({@code guest-sync}): answers a previous client
   * left in the port are read past, as qemu-ga's documentation asks of a client.
   */
  static QemuGuestAgent connect(Path socket) throws IOException {
    QemuGuestAgent qga = new QemuGuestAgent(
        SocketChannel.open(UnixDomainSocketAddress.of(socket)));
    qga.sync();
    return qga;
  }

  /**
   * When qemu-ga first answers {@code guest-ping} on {@code socket}: waits for QEMU to make the
   * socket, then sends a ping every {@link #PING_EVERY} (the port holds what the guest has not
   * read yet, so the first one is answered as soon as qemu-ga reads) and returns the instant the
   * first answer line arrives. When QEMU ends meanwhile (under TCG a guest that reset, e.g. after
   * a kernel panic, gets a new QEMU) it connects again. Throws once {@code deadline} has passed.
   */
  static Instant firstPong(Path socket, Instant deadline) throws IOException,
      InterruptedException {
    while (true) {
      try {
        return pong(socket, deadline);
      } catch (IOException ended) {
        if (Instant.now().isAfter(deadline)) {
          throw ended;
        }
        Thread.sleep(PING_EVERY.toMillis());
      }
    }
  }

  private static Instant pong(Path socket, Instant deadline) throws IOException,
      InterruptedException {
    try (SocketChannel ch = connectWhenThere(socket, deadline);
        Selector selector = Selector.open()) {
      ch.configureBlocking(false);
      ch.register(selector, SelectionKey.OP_READ);
      ByteBuffer ping = ByteBuffer.wrap("{\"execute\":\"guest-ping\"}\n"
          .getBytes(StandardCharsets.US_ASCII));
      ByteBuffer in = ByteBuffer.allocate(4096);
      while (Instant.now().isBefore(deadline)) {
        ch.write(ping.rewind());
        if (selector.select(PING_EVERY.toMillis()) > 0) {
          selector.selectedKeys().clear();
          int n = ch.read(in.clear());
          for (int i = 0; i < n; i++) {
            if (in.get(i) == '\n') {
              return Instant.now();
            }
          }
          if (n < 0) {
            throw new IOException("QEMU closed qemu-ga's socket " + socket);
          }
        }
      }
      throw new IOException("qemu-ga did not answer guest-ping on " + socket + " by " + deadline);
    }
  }

  private static SocketChannel connectWhenThere(Path socket, Instant deadline)
      throws IOException, InterruptedException {
    while (true) {
      try {
        return SocketChannel.open(UnixDomainSocketAddress.of(socket));
      } catch (IOException notYet) {
        if (Instant.now().isAfter(deadline)) {
          throw notYet;
        }
        Thread.sleep(20);
      }
    }
  }

  /** {@code guest-ping}: qemu-ga's cheapest round trip. */
  void ping() {
    execute("guest-ping", null);
  }

  /**
   * Runs {@code path args} in the guest: {@code guest-exec} with its output captured, then
   * {@code guest-exec-status} back to back (no pause: qemu-ga's best case) until it has exited.
   */
  Exec exec(String path, List<String> args) {
    return exec(path, args, Duration.ZERO);
  }

  /**
   * {@link #exec(String, List)}, waiting {@code pollEvery} before each {@code guest-exec-status}:
   * what a script does for a command that runs long. {@code out} is its standard output, then
   * its standard error.
   */
  Exec exec(String path, List<String> args, Duration pollEvery) {
    ObjectNode arguments = JSON.createObjectNode().put("path", path).put("capture-output", true);
    args.forEach(arguments.putArray("arg")::add);
    long pid = execute("guest-exec", arguments).path("pid").asLong();
    ObjectNode status = JSON.createObjectNode().put("pid", pid);
    while (true) {
      pause(pollEvery);
      JsonNode answer = execute("guest-exec-status", status);
      if (answer.path("exited").asBoolean()) {
        return new Exec(answer.path("exitcode").asInt(-1),
            decoded(answer, "out-data") + decoded(answer, "err-data"));
      }
    }
  }

  private static String decoded(JsonNode answer, String field) {
    return new String(Base64.getDecoder().decode(answer.path(field).asText("")),
        StandardCharsets.UTF_8);
  }

  private static void pause(Duration pause) {
    if (pause.isZero()) {
      return;
    }
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for qemu-ga", e);
    }
  }

  /** Sends a command that has no answer, such as {@code guest-shutdown}. */
  void send(String command, ObjectNode arguments) {
    send(JSON.createObjectNode().put("execute", command).set("arguments", arguments));
  }

  /** Sends one command and returns its {@code return}; an {@code error} answer throws. */
  JsonNode execute(String command, ObjectNode arguments) {
    ObjectNode request = JSON.createObjectNode().put("execute", command);
    if (arguments != null) {
      request.set("arguments", arguments);
    }
    JsonNode answer = roundTrip(request);
    if (answer.has("error")) {
      throw new IllegalStateException("qemu-ga " + command + ": " + answer.get("error"));
    }
    return answer.path("return");
  }

  private void sync() {
    long id = nextSyncId++;
    ObjectNode request = JSON.createObjectNode().put("execute", "guest-sync");
    request.putObject("arguments").put("id", id);
    send(request);
    while (readLine().path("return").asLong(-1) != id) {
      // an answer to a command of an earlier client
    }
  }

  private JsonNode roundTrip(ObjectNode request) {
    send(request);
    return readLine();
  }

  private void send(ObjectNode request) {
    try {
      ByteBuffer out = ByteBuffer.wrap((JSON.writeValueAsString(request) + "\n")
          .getBytes(StandardCharsets.UTF_8));
      while (out.hasRemaining()) {
        channel.write(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode readLine() {
    try {
      while (true) {
        byte[] have = pending.toByteArray();
        for (int i = 0; i < have.length; i++) {
          if (have[i] == '\n') {
            pending.reset();
            pending.write(have, i + 1, have.length - i - 1);
            return JSON.readTree(new String(have, 0, i, StandardCharsets.UTF_8));
          }
        }
        if (channel.read(chunk.clear()) < 0) {
          throw new IOException("qemu-ga's socket closed");
        }
        pending.write(chunk.array(), 0, chunk.position());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
