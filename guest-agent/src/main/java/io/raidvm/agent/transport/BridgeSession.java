package io.raidvm.agent.transport;

import io.raidvm.common.transport.BytePump;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * One host session: a fresh connection to the local gRPC server and the thread that copies what
 * the server sends back out to the port. The port-to-server direction belongs to the bridge's
 * reader thread, which calls {@link #forward}.
 */
final class BridgeSession {

  private final String nonce;
  private final LocalConnection local;
  private final Thread toPort;

  private BridgeSession(String nonce, LocalConnection local, OutputStream port) {
    this.nonce = nonce;
    this.local = local;
    this.toPort = new Thread(() -> {
      BytePump.copy(local.input(), port);
      // The server hung up (or the port failed): make the reader's next forward fail, so that
      // it ends the session and drops the host's frames until the host starts over.
      local.close();
    }, "agent-port-writer-" + shortNonce(nonce));
    this.toPort.setDaemon(true);
  }

  /** Starts copying from {@code local} to {@code port}; call only after the READY line is out. */
  static BridgeSession start(String nonce, LocalConnection local, OutputStream port) {
    BridgeSession session = new BridgeSession(nonce, local, port);
    session.toPort.start();
    return session;
  }

  /** Sends bytes from the host to the server; false when the server side is gone. */
  boolean forward(byte[] buf, int off, int len) {
    try {
      local.output().write(buf, off, len);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Ends the session: closes the server connection (which ends its HTTP/2 session) and waits until
   * the server-to-port copier has stopped, so that no byte of this session reaches the port after
   * the next session's READY line.
   */
  void end() throws InterruptedException {
    local.close();
    toPort.join();
  }

  /**
   * Ends the session when the agent stops: the server has already closed the connection, so the
   * copier gets up to {@code drain} to pass its last bytes (such as the answer to RestartAgent) to
   * the port before the connection is closed.
   */
  void drainAndEnd(Duration drain) throws InterruptedException {
    toPort.join(drain.toMillis());
    local.close();
  }

  String id() {
    return shortNonce(nonce);
  }

  private static String shortNonce(String nonce) {
    return nonce.substring(0, 8);
  }
}
