package io.raidvm.common.transport;

import java.nio.charset.StandardCharsets;

/**
 * Follows the host-to-guest half of an HTTP/2 connection by its structure alone: the 24-byte
 * client preface, then frames of a 9-byte header (24-bit length, type, flags, a reserved bit and
 * a 31-bit stream id) and {@code length} payload bytes (RFC 9113 §3.4, §4.1). Payload bytes are
 * counted, never looked at: whatever a request carries cannot steer the bridge.
 *
 * <p>The stream is out of step where a byte cannot be part of a valid connection: a preface
 * byte that differs, a frame longer than {@link #MAX_FRAME_SIZE}, or the reserved bit set. That
 * is where a new host's handshake begins (its filler, see {@link Handshake#hello}), or where a
 * dead host left a frame unfinished. Pure: no I/O.
 */
public final class Http2FrameCursor {

  /**
   * The largest frame payload the host may send: SETTINGS_MAX_FRAME_SIZE's initial value
   * (RFC 9113 §6.5.2), which the agent's server never raises (grpc-netty has no setting for it;
   * {@code UnixSocketServerTest} reads the server's SETTINGS to hold it to that). A header can
   * therefore never start with a non-zero byte, such as the filler's {@code '\n'}.
   */
  public static final int MAX_FRAME_SIZE = 16384;
  /** The length of a frame header. */
  public static final int HEADER_LENGTH = 9;

  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private int prefaceSeen;
  private final byte[] header = new byte[HEADER_LENGTH];
  private int headerSeen;
  private int payloadLeft;
  private String problem;

  /**
   * Feeds bytes. Returns how many of them, from {@code off}, belong to the connection: all
   * ({@code len}) while it is in step; fewer when {@code buf[off + result]} is the first byte
   * that cannot, and from then on 0 (see {@link #problem}).
   */
  public int feed(byte[] buf, int off, int len) {
    if (problem != null) {
      return 0;
    }
    int i = off;
    int end = off + len;
    while (i < end) {
      if (prefaceSeen < PREFACE.length) {
        if (buf[i] != PREFACE[prefaceSeen]) {
          problem = "byte " + prefaceSeen + " of the HTTP/2 client preface differs";
          return i - off;
        }
        prefaceSeen++;
        i++;
      } else if (payloadLeft > 0) {
        int skip = Math.min(payloadLeft, end - i);
        payloadLeft -= skip;
        i += skip;
      } else {
        header[headerSeen] = buf[i];
        String wrong = invalidHeaderSoFar();
        if (wrong != null) {
          problem = wrong;
          return i - off;
        }
        headerSeen++;
        i++;
        if (headerSeen == HEADER_LENGTH) {
          payloadLeft = length();
          headerSeen = 0;
        }
      }
    }
    return len;
  }

  /** Why the stream is out of step; null while it is in step. */
  public String problem() {
    return problem;
  }

  /** True between frames: the next byte would start a frame header. */
  public boolean atFrameBoundary() {
    return problem == null && prefaceSeen == PREFACE.length && payloadLeft == 0
        && headerSeen == 0;
  }

  /**
   * Checks the header byte just stored at {@code headerSeen}, as early as it can be judged, so
   * that the first impossible byte is the one reported.
   */
  private String invalidHeaderSoFar() {
    int b = header[headerSeen] & 0xff;
    return switch (headerSeen) {
      case 0 -> b == 0 ? null : tooLong();
      case 1 -> b <= MAX_FRAME_SIZE >> 8 ? null : tooLong();
      case 2 -> length() <= MAX_FRAME_SIZE ? null : tooLong();
      case 5 -> (b & 0x80) == 0 ? null : "a frame header with the reserved bit set";
      default -> null;
    };
  }

  private String tooLong() {
    return "a frame header whose length exceeds " + MAX_FRAME_SIZE + " (header byte "
        + headerSeen + " is 0x" + String.format("%02x", header[headerSeen] & 0xff) + ")";
  }

  private int length() {
    return (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | (header[2] & 0xff);
  }
}
