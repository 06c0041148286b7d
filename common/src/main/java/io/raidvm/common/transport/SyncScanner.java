package io.raidvm.common.transport;

/**
 * Finds a handshake line ({@code PREFIX <32 hex digits>\n}) in a byte stream fed in pieces,
 * ignoring everything around it. Pure: no I/O. Public so that the guest's bridge can keep scanning
 * for a new hello while it forwards a session's bytes.
 */
public final class SyncScanner {

  private static final int NONCE_LENGTH = 32;

  private final String prefix;
  private final String expectedNonce;
  private final int lineLength;
  private final StringBuilder window = new StringBuilder();
  private String nonce;

  private SyncScanner(String prefix, String expectedNonce) {
    this.prefix = prefix;
    this.expectedNonce = expectedNonce;
    this.lineLength = prefix.length() + NONCE_LENGTH + 1;
  }

  /** Matches a hello with any nonce. */
  public static SyncScanner forHello() {
    return new SyncScanner(Handshake.HELLO, null);
  }

  /** Matches only the answer that carries {@code nonce}. */
  static SyncScanner forReady(String nonce) {
    return new SyncScanner(Handshake.READY, nonce);
  }

  /**
   * Feeds bytes. Returns the index in {@code buf} just after the matching line, or -1 when the
   * line has not been seen yet.
   */
  public int feed(byte[] buf, int off, int len) {
    for (int i = off; i < off + len; i++) {
      char c = (char) (buf[i] & 0xff);
      window.append(c);
      if (window.length() > lineLength) {
        window.deleteCharAt(0);
      }
      if (c == '\n' && window.length() == lineLength && matches()) {
        return i + 1;
      }
    }
    return -1;
  }

  /** The nonce of the matched line. */
  public String nonce() {
    return nonce;
  }

  private boolean matches() {
    if (!window.substring(0, prefix.length()).equals(prefix)) {
      return false;
    }
    String candidate = window.substring(prefix.length(), prefix.length() + NONCE_LENGTH);
    for (int i = 0; i < candidate.length(); i++) {
      char c = candidate.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    if (expectedNonce != null && !expectedNonce.equals(candidate)) {
      return false;
    }
    nonce = candidate;
    return true;
  }
}
