package io.raidvm.common.transport;

/**
 * Finds a handshake line ({@code PREFIX <32 hex digits>\n}) in a byte stream fed in pieces,
 * ignoring everything around it. Pure: no I/O. Public so that the guest's bridge can look for a
 * hello wherever it does not know the host's HTTP/2 framing.
 *
 * <p>A hello counts only right after a run of at least {@link Handshake#HELLO_RUN} {@code '\n'}
 * bytes (the host's filler). No valid HTTP/2 stream from the host holds such a run: every
 * {@code MAX_FRAME_SIZE + 8} bytes at most comes a frame header's first byte, 0. So a request
 * that carries a hello line, even with newlines before it, is never taken for one, also where
 * the guest reads the stream without knowing its framing (at start, after a desync).
 */
public final class SyncScanner {

  private static final int NONCE_LENGTH = 32;

  private final String prefix;
  private final String expectedNonce;
  private final int requiredRun;
  private final int lineLength;
  private final StringBuilder window = new StringBuilder();
  /** Consecutive '\n' bytes up to the last byte fed (0 when it was something else). */
  private int run;
  /** Bytes since the last '\n', and the run of '\n' that came right before them. */
  private int stretch;
  private int runBeforeStretch;
  private String nonce;

  private SyncScanner(String prefix, String expectedNonce, int requiredRun) {
    this.prefix = prefix;
    this.expectedNonce = expectedNonce;
    this.requiredRun = requiredRun;
    this.lineLength = prefix.length() + NONCE_LENGTH + 1;
  }

  /** Matches a hello with any nonce, after the host's filler. */
  public static SyncScanner forHello() {
    return new SyncScanner(Handshake.HELLO, null, Handshake.HELLO_RUN);
  }

  /** Matches only the answer that carries {@code nonce}, wherever it is. */
  static SyncScanner forReady(String nonce) {
    return new SyncScanner(Handshake.READY, nonce, 0);
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
      if (c != '\n') {
        if (run > 0) {
          runBeforeStretch = run;
          run = 0;
          stretch = 0;
        }
        stretch++;
        continue;
      }
      if (window.length() == lineLength && afterFiller() && matches()) {
        return i + 1;
      }
      run = Math.min(run + 1, Integer.MAX_VALUE - 1);
      stretch = 0;
    }
    return -1;
  }

  /** The nonce of the matched line. */
  public String nonce() {
    return nonce;
  }

  /** Whether the line that ends here came right after a long enough run of '\n'. */
  private boolean afterFiller() {
    return requiredRun == 0 || (stretch == lineLength - 1 && runBeforeStretch >= requiredRun);
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
