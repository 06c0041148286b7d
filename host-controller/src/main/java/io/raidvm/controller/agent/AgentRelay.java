package io.raidvm.controller.agent;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.transport.BytePump;
import io.raidvm.common.transport.ChannelStreams;
import io.raidvm.common.transport.Handshake;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Joins the controller's gRPC channel to a VM's agent port. It listens on the VM's
 * {@code agent-grpc.sock}; for each connection it connects to QEMU's chardev socket, performs the
 * session handshake under a deadline, then copies bytes both ways. Any failure closes the
 * accepted connection, which the gRPC channel sees as UNAVAILABLE and retries.
 */
public final class AgentRelay implements AutoCloseable {

  private static final ScheduledExecutorService DEADLINES =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agent-relay-deadlines");
        t.setDaemon(true);
        return t;
      });

  private final Path listenSocket;
  private final Path agentSocket;
  private final Duration handshakeTimeout;
  private final Consumer<String> failures;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong sessions = new AtomicLong();
  private final ServerSocketChannel server;

  private AgentRelay(Path listenSocket, Path agentSocket, Duration handshakeTimeout,
      Consumer<String> failures, ServerSocketChannel server) {
    this.listenSocket = listenSocket;
    this.agentSocket = agentSocket;
    this.handshakeTimeout = handshakeTimeout;
    this.failures = failures;
    this.server = server;
  }

  /**
   * Binds {@code listenSocket} (mode 0600) and starts relaying to {@code agentSocket}.
   * {@code failures} hears why a session could not be set up.
   */
  public static AgentRelay start(Path listenSocket, Path agentSocket, Duration handshakeTimeout,
      Consumer<String> failures) {
    ServerSocketChannel server;
    try {
      Files.deleteIfExists(listenSocket);
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(listenSocket));
      Files.setPosixFilePermissions(listenSocket, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw RaidvmException.internal("cannot listen on " + listenSocket + ": " + e.getMessage(),
          e);
    }
    AgentRelay relay = new AgentRelay(listenSocket, agentSocket, handshakeTimeout, failures,
        server);
    daemon("agent-relay-accept " + listenSocket.getParent().getFileName(), relay::acceptLoop)
        .start();
    return relay;
  }

  /** How many sessions got through the handshake since the relay started. */
  public long sessions() {
    return sessions.get();
  }

  /** Ends every session now; the gRPC channel reconnects, with a fresh handshake. */
  public void dropSessions() {
    open.forEach(AgentRelay::closeQuietly);
  }

  @Override
  public void close() {
    closeQuietly(server);
    open.forEach(AgentRelay::closeQuietly);
    try {
      Files.deleteIfExists(listenSocket);
    } catch (IOException e) {
      // The next relay removes it before binding.
    }
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      open.add(client);
      daemon("agent-relay-session", () -> session(client)).start();
    }
  }

  private void session(SocketChannel client) {
    SocketChannel agent = null;
    try {
      agent = SocketChannel.open(StandardProtocolFamily.UNIX);
      open.add(agent);
      agent.connect(UnixDomainSocketAddress.of(agentSocket));
      byte[] rest = handshake(agent);
      sessions.incrementAndGet();
      ChannelStreams.out(client).write(rest);
      SocketChannel agentEnd = agent;
      Thread up = daemon("agent-relay-up", () -> {
        BytePump.copy(ChannelStreams.in(client), ChannelStreams.out(agentEnd));
        closeQuietly(agentEnd);
      });
      up.start();
      BytePump.copy(ChannelStreams.in(agent), ChannelStreams.out(client));
    } catch (IOException e) {
      failures.accept(describe(e));
    } finally {
      closeQuietly(client);
      closeQuietly(agent);
      open.remove(client);
      if (agent != null) {
        open.remove(agent);
      }
    }
  }

  /** Runs the host side of the handshake; closing the socket at the deadline ends the wait. */
  private byte[] handshake(SocketChannel agent) throws IOException {
    ScheduledFuture<?> deadline = DEADLINES.schedule(() -> closeQuietly(agent),
        handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return Handshake.initiate(ChannelStreams.in(agent), ChannelStreams.out(agent),
          Handshake.newNonce());
    } catch (IOException e) {
      if (!agent.isOpen()) {
        throw new IOException("the agent did not answer the handshake within "
            + handshakeTimeout.toMillis() + " ms", e);
      }
      throw e;
    } finally {
      deadline.cancel(false);
    }
  }

  private String describe(IOException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return "agent port " + agentSocket + ": " + message;
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(java.nio.channels.Channel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Closing is all we wanted.
    }
  }
}
