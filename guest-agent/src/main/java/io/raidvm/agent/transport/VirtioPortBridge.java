package io.raidvm.agent.transport;

import io.raidvm.common.transport.Handshake;
import io.raidvm.common.transport.Http2FrameCursor;
import io.raidvm.common.transport.SyncScanner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Connects host sessions arriving on the agent port to the agent's own gRPC server
 * (docs/design.md, "Agent transport (virtio-serial)").
 *
 * <p>The bridge opens the port once and keeps it. One reader thread owns the port's input for the
 * bridge's whole life, in one of two modes:
 * <ul>
 *   <li><b>Looking for a hello</b> (at start, after end-of-stream, after the host's stream went
 *       out of step): it discards bytes until a hello line after the host's filler
 *       ({@link SyncScanner}), opens a fresh connection to the local gRPC server, answers
 *       {@code RAIDVM-READY/1 <nonce>}, and follows the bytes after the hello.
 *   <li><b>Following a session</b>: it reads the host's HTTP/2 stream by its framing
 *       ({@link Http2FrameCursor}) and forwards it; payload bytes are never looked at, so nothing
 *       a call carries can end the session or start another. When the server has closed the
 *       connection, the frames are dropped, still followed. Where a byte cannot be part of the
 *       stream (the next host's filler, or garbage after a host died mid-frame) the session ends
 *       and the bridge looks for a hello from that byte on.
 *   <li>End-of-stream means no host is connected: the session ends, and the reader polls every
 *       {@code idlePoll} until a host is back.
 * </ul>
 * A second thread per session copies the server's bytes to the port (see {@link BridgeSession}).
 */
public final class VirtioPortBridge {

  private static final Logger LOG = Logger.getLogger(VirtioPortBridge.class.getName());

  /** How often to read again while no host is connected (qemu-ga uses the same). */
  private static final Duration IDLE_POLL = Duration.ofMillis(100);
  /**
   * How long to wait before trying again to open a missing or failed port. The agent starts
   * before udev has made the port's link (its unit runs early in the boot), so this wait is paid
   * once per boot: short, and a failed open costs one stat.
   */
  private static final Duration REOPEN_DELAY = Duration.ofMillis(250);
  /** On stop, how long the server's last bytes (the answer to RestartAgent) may take to go out. */
  private static final Duration STOP_DRAIN = Duration.ofSeconds(1);

  private final AgentPort.Opener opener;
  private final Path localSocket;
  private final Duration idlePoll;
  private final Duration reopenDelay;
  private final Thread reader;
  private volatile boolean running;
  private volatile AgentPort port;
  private volatile BridgeSession session;
  private String lastOpenFailure;

  public VirtioPortBridge(AgentPort.Opener opener, Path localSocket) {
    this(opener, localSocket, IDLE_POLL, REOPEN_DELAY);
  }

  VirtioPortBridge(AgentPort.Opener opener, Path localSocket, Duration idlePoll,
      Duration reopenDelay) {
    this.opener = opener;
    this.localSocket = localSocket;
    this.idlePoll = idlePoll;
    this.reopenDelay = reopenDelay;
    this.reader = new Thread(this::run, "agent-port-reader");
    this.reader.setDaemon(true);
  }

  public void start() {
    running = true;
    reader.start();
  }

  /**
   * Stops the bridge: ends the current session and closes the port. The threads are daemons, so a
   * read that the kernel does not abort cannot keep the process alive.
   */
  public void stop() {
    running = false;
    BridgeSession current = session;
    session = null;
    if (current != null) {
      try {
        current.drainAndEnd(STOP_DRAIN);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closePort(port);
    reader.interrupt();
  }

  private void run() {
    while (running) {
      try {
        AgentPort opened = opener.open();
        port = opened;
        lastOpenFailure = null;
        LOG.info("agent port open; waiting for a host");
        serve(opened);
      } catch (IOException e) {
        if (!running) {
          return;
        }
        reportPortFailure(e);
        if (!sleep(reopenDelay)) {
          return;
        }
      } finally {
        endSession("port closed");
        closePort(port);
        port = null;
      }
    }
  }

  /** Reads the port until it fails or the bridge stops. */
  private void serve(AgentPort opened) throws IOException {
    InputStream in = opened.input();
    OutputStream out = opened.output();
    SyncScanner scanner = SyncScanner.forHello();
    Http2FrameCursor cursor = null;
    byte[] buf = new byte[16384];
    while (running) {
      int n = in.read(buf);
      if (n < 0) {
        endSession("host hung up");
        cursor = null;
        scanner = SyncScanner.forHello();
        if (!sleep(idlePoll)) {
          return;
        }
        continue;
      }
      int off = 0;
      while (off < n) {
        if (cursor != null) {
          int inStep = cursor.feed(buf, off, n - off);
          forward(buf, off, inStep);
          off += inStep;
          if (off < n) {
            // Bytes that are no HTTP/2 of this session: the next host's filler, or garbage.
            endSession("the host's stream is out of step (" + cursor.problem()
                + "); looking for a hello");
            cursor = null;
            scanner = SyncScanner.forHello();
          }
          continue;
        }
        int end = scanner.feed(buf, off, n - off);
        if (end < 0) {
          break;
        }
        if (startSession(scanner.nonce(), out)) {
          cursor = new Http2FrameCursor();
        }
        scanner = SyncScanner.forHello();
        off = end;
      }
    }
  }

  /** Answers a hello with a fresh server connection; false when the server cannot be reached. */
  private boolean startSession(String nonce, OutputStream out) throws IOException {
    LocalConnection local;
    try {
      local = LocalConnection.open(localSocket);
    } catch (IOException e) {
      LOG.warning("not answering hello " + nonce.substring(0, 8) + ": cannot reach the agent's"
          + " gRPC server at " + localSocket + ": " + e);
      return false;
    }
    try {
      out.write(Handshake.ready(nonce));
      out.flush();
    } catch (IOException e) {
      local.close();
      throw e;
    }
    session = BridgeSession.start(nonce, local, out);
    LOG.info("host session " + session.id() + " started");
    return true;
  }

  /** Forwards to the session's server; once that has closed, the host's frames are dropped. */
  private void forward(byte[] buf, int off, int len) {
    BridgeSession current = session;
    if (len > 0 && current != null && !current.forward(buf, off, len)) {
      endSession("the gRPC server closed the connection; dropping the host's frames until it"
          + " starts over");
    }
  }

  private void endSession(String reason) {
    BridgeSession current = session;
    if (current == null) {
      return;
    }
    session = null;
    try {
      current.end();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("host session " + current.id() + " ended: " + reason);
  }

  private void reportPortFailure(IOException e) {
    String failure = String.valueOf(e.getMessage());
    if (!failure.equals(lastOpenFailure)) {
      LOG.warning("agent port unavailable, retrying every " + reopenDelay.toMillis() + " ms: "
          + failure);
      lastOpenFailure = failure;
    }
  }

  private static void closePort(AgentPort toClose) {
    if (toClose == null) {
      return;
    }
    try {
      toClose.close();
    } catch (IOException e) {
      // The port is being abandoned anyway.
    }
  }

  /** Sleeps; false when interrupted (the bridge is stopping). */
  private static boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
