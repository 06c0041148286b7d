package io.raidvm.common.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The session handshake on a VM's agent port (docs/design.md, "Agent transport").
 *
 * <p>A virtio-serial port is one byte stream with no connection boundaries, and bytes of an old
 * session may still be in flight when a new one starts. So every host session begins with
 * {@code RAIDVM-HELLO/1 <nonce>\n}; the guest discards everything until it sees such a line and
 * answers {@code RAIDVM-READY/1 <nonce>\n}; the host discards everything until it sees the answer
 * with its own nonce. Only then does HTTP/2 start, on both ends, from a clean state.
 *
 * <p>The hello comes after a filler of {@link #FILLER} {@code '\n'} bytes, and the guest takes a
 * hello only after at least {@link #HELLO_RUN} of them ({@link SyncScanner}): a run no HTTP/2
 * stream of the host holds, so no request can carry a hello the guest would take. While a session
 * runs, the guest follows its frames ({@link Http2FrameCursor}) and does not look for a hello at
 * all; the filler brings a guest that is still inside a frame of a dead session to a frame
 * boundary, where the next {@code '\n'} cannot start a header: out of step, the guest looks for the
 * hello again and still finds a long enough run before it.
 */
public final class Handshake {

  static final String HELLO = "RAIDVM-HELLO/1 ";
  static final String READY = "RAIDVM-READY/1 ";
  /**
   * The run of {@code '\n'} a hello must follow: one more than the longest stretch between two
   * frame headers' first bytes (always 0) in a valid stream, 8 header bytes and a full payload.
   */
  public static final int HELLO_RUN = Http2FrameCursor.MAX_FRAME_SIZE
      + Http2FrameCursor.HEADER_LENGTH;
  /**
   * The filler the host sends: a guest inside a frame takes at most {@code HELLO_RUN - 1} bytes
   * of it as that frame's, and still sees a run of {@code HELLO_RUN} before the hello.
   */
  public static final int FILLER = 2 * HELLO_RUN;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Handshake() {}

  /** A fresh nonce: 32 lower-case hex digits. */
  public static String newNonce() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** What the host sends: the filler, then the hello line. */
  public static byte[] hello(String nonce) {
    return ("\n".repeat(FILLER) + HELLO + nonce + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  public static byte[] ready(String nonce) {
    return (READY + nonce + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** What the guest read: the host's nonce and the bytes that followed the hello line. */
  public record Hello(String nonce, byte[] rest) {}

  /**
   * Host side: sends a hello with {@code nonce}, then reads until the guest's answer with the same
   * nonce. Returns the bytes that followed the answer (they belong to the new session). The
   * caller bounds the time (by closing the stream when its deadline passes).
   *
   * @throws EOFException when the stream ends before the answer arrives
   */
  public static byte[] initiate(InputStream in, OutputStream out, String nonce)
      throws IOException {
    out.write(hello(nonce));
    out.flush();
    SyncScanner scanner = SyncScanner.forReady(nonce);
    return readUntil(in, scanner).orElseThrow(
        () -> new EOFException("agent port closed before the agent answered the handshake"));
  }

  /**
   * Guest side: reads until a hello line, discarding whatever came before it. Returns empty when
   * the stream ends first (on a virtio port: no host is connected).
   */
  public static Optional<Hello> awaitHello(InputStream in) throws IOException {
    SyncScanner scanner = SyncScanner.forHello();
    return readUntil(in, scanner).map(rest -> new Hello(scanner.nonce(), rest));
  }

  private static Optional<byte[]> readUntil(InputStream in, SyncScanner scanner)
      throws IOException {
    byte[] buf = new byte[4096];
    int n;
    while ((n = in.read(buf)) >= 0) {
      int end = scanner.feed(buf, 0, n);
      if (end >= 0) {
        byte[] rest = new byte[n - end];
        System.arraycopy(buf, end, rest, 0, rest.length);
        return Optional.of(rest);
      }
    }
    return Optional.empty();
  }
}
