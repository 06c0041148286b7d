package io.raidvm.controller.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import io.raidvm.common.error.RaidvmException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A QMP session on QEMU's monitor socket: one reader thread matches replies to commands by id and
 * hands events to listeners. When QEMU goes away, pending commands fail and close listeners run.
 */
public final class QmpClient implements AutoCloseable {

  private static final Duration CAPABILITIES_TIMEOUT = Duration.ofSeconds(10);

  private final SocketChannel channel;
  private final BufferedReader reader;
  private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<Consumer<QmpMessage.Event>> eventListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> closeListeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<QmpMessage.Greeting> greeting = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final AtomicLong ids = new AtomicLong();
  private final Thread readerThread;

  private QmpClient(SocketChannel channel, String name) {
    this.channel = channel;
    this.reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
        StandardCharsets.UTF_8));
    this.readerThread = new Thread(this::readLoop, "qmp-" + name);
    this.readerThread.setDaemon(true);
  }

  /** Connects, reads the greeting and negotiates capabilities. */
  public static QmpClient connect(Path socket) {
    SocketChannel channel;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      throw RaidvmException.unavailable("cannot connect to QMP socket %s: %s", socket,
          e.getMessage());
    }
    QmpClient client = new QmpClient(channel, socket.getParent().getFileName().toString());
    client.readerThread.start();
    try {
      await(client.greeting, CAPABILITIES_TIMEOUT, "the QMP greeting");
      client.execute("qmp_capabilities", null, CAPABILITIES_TIMEOUT);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    return client;
  }

  /** Runs a command and returns its {@code return} value; a QMP error is FAILED_PRECONDITION. */
  public JsonNode execute(String command, JsonNode arguments, Duration timeout) {
    String id = "c" + ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    try {
      if (closed.isDone()) {
        throw RaidvmException.unavailable("QMP connection is closed");
      }
      send(QmpCodec.command(id, command, arguments));
      return await(reply, timeout, "the reply to QMP " + command);
    } finally {
      pending.remove(id);
    }
  }

  public void addEventListener(Consumer<QmpMessage.Event> listener) {
    eventListeners.add(listener);
  }

  /**
   * Runs a command, then waits until QEMU sends an event that {@code expected} accepts (one that
   * came before the reply counts too), e.g. {@code device_del} and its DEVICE_DELETED.
   *
   * @throws RaidvmException DEADLINE_EXCEEDED naming {@code what} when the event does not come
   *     within {@code eventTimeout}; UNAVAILABLE when the connection ends meanwhile
   */
  public JsonNode executeAndAwait(String command, JsonNode arguments, Duration timeout,
      Predicate<QmpMessage.Event> expected, String what,
      Duration eventTimeout) {
    CompletableFuture<Void> seen = new CompletableFuture<>();
    Consumer<QmpMessage.Event> listener = event -> {
      if (expected.test(event)) {
        seen.complete(null);
      }
    };
    Runnable gone = () -> seen.completeExceptionally(
        RaidvmException.unavailable("QMP connection closed (QEMU exited?)"));
    eventListeners.add(listener);
    closeListeners.add(gone);
    try {
      if (closed.isDone()) {
        gone.run();
      }
      JsonNode reply = execute(command, arguments, timeout);
      await(seen, eventTimeout, what);
      return reply;
    } finally {
      eventListeners.remove(listener);
      closeListeners.remove(gone);
    }
  }

  /** Runs {@code listener} once when the connection ends (QEMU exited, or {@link #close}). */
  public void onClose(Runnable listener) {
    closeListeners.add(listener);
    if (closed.isDone()) {
      listener.run();
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing is all we wanted.
    }
  }

  private synchronized void send(String line) {
    ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    try {
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
    } catch (IOException e) {
      throw RaidvmException.unavailable("cannot write to QMP: %s", e.getMessage());
    }
  }

  private void readLoop() {
    try {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank()) {
          dispatch(QmpCodec.parse(line));
        }
      }
    } catch (IOException | RuntimeException e) {
      // The connection ended: QEMU exited, or we closed it.
    } finally {
      close();
      closed.complete(null);
      RaidvmException gone = RaidvmException.unavailable("QMP connection closed (QEMU exited?)");
      greeting.completeExceptionally(gone);
      pending.values().forEach(f -> f.completeExceptionally(gone));
      closeListeners.forEach(Runnable::run);
    }
  }

  private void dispatch(QmpMessage message) {
    if (message instanceof QmpMessage.Greeting g) {
      greeting.complete(g);
    } else if (message instanceof QmpMessage.Return r) {
      complete(r.id(), r.value(), null);
    } else if (message instanceof QmpMessage.Error e) {
      complete(e.id(), null, RaidvmException.failedPrecondition(
          "QEMU refused the command: %s: %s", e.errorClass(), e.description()));
    } else if (message instanceof QmpMessage.Event event) {
      eventListeners.forEach(l -> l.accept(event));
    }
  }

  private void complete(String id, JsonNode value, RaidvmException error) {
    CompletableFuture<JsonNode> reply = id == null ? null : pending.get(id);
    if (reply == null) {
      return;
    }
    if (error != null) {
      reply.completeExceptionally(error);
    } else {
      reply.complete(value);
    }
  }

  private static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      throw RaidvmException.interrupted("waiting for " + what, e);
    } catch (TimeoutException e) {
      throw RaidvmException.deadlineExceeded("no answer within %d ms while waiting for %s",
          timeout.toMillis(), what);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RaidvmException re) {
        throw new RaidvmException(re.kind(), re.getMessage(), re);
      }
      throw RaidvmException.internal("QMP failed: " + e.getCause(), e.getCause());
    }
  }
}
