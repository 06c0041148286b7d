package io.raidvm.common.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HandshakeTest {

  private static final String NONCE = "0123456789abcdef0123456789abcdef";

  @Test
  void awaitHello_discardsStaleBytesOfAnOldSession_andKeepsWhatFollows() throws IOException {
    ByteArrayOutputStream port = new ByteArrayOutputStream();
    port.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n stale frames \0\1\2".getBytes(StandardCharsets.ISO_8859_1));
    port.write(Handshake.hello(NONCE));
    port.write("next".getBytes(StandardCharsets.US_ASCII));

    Optional<Handshake.Hello> hello = Handshake.awaitHello(new ByteArrayInputStream(port.toByteArray()));

    assertTrue(hello.isPresent());
    assertEquals(NONCE, hello.get().nonce());
    assertArrayEquals("next".getBytes(StandardCharsets.US_ASCII), hello.get().rest());
  }

  @Test
  void wireFormat_isAFillerAndAHelloLineFromTheHost_andAReadyLineFromTheGuest()
      throws IOException {
    ByteArrayOutputStream toGuest = new ByteArrayOutputStream();
    byte[] rest = Handshake.initiate(new ByteArrayInputStream(
        ("RAIDVM-READY/1 " + NONCE + "\nafter").getBytes(StandardCharsets.US_ASCII)), toGuest,
        NONCE);

    assertEquals("\n".repeat(32786) + "RAIDVM-HELLO/1 0123456789abcdef0123456789abcdef\n",
        toGuest.toString(StandardCharsets.US_ASCII));
    assertEquals("after", new String(rest, StandardCharsets.US_ASCII));
    assertEquals("RAIDVM-READY/1 0123456789abcdef0123456789abcdef\n",
        new String(Handshake.ready(NONCE), StandardCharsets.US_ASCII));
    assertEquals(NONCE, Handshake.awaitHello(new ByteArrayInputStream(("\n".repeat(16393)
        + "RAIDVM-HELLO/1 0123456789abcdef0123456789abcdef\n").getBytes(StandardCharsets.US_ASCII)))
        .orElseThrow().nonce());
  }

  @Test
  void awaitHello_takesAHelloOnlyAfterTheFullFillerRun() throws IOException {
    String line = "RAIDVM-HELLO/1 " + NONCE + "\n";
    assertTrue(awaitHello(line).isEmpty(), "a bare hello line");
    assertTrue(awaitHello("\n".repeat(Handshake.HELLO_RUN - 1) + line).isEmpty(),
        "one newline short");
    assertTrue(awaitHello("\n".repeat(Handshake.HELLO_RUN) + "x" + line).isEmpty(),
        "a byte between the run and the line");
    assertEquals(NONCE, awaitHello("stale" + "\n".repeat(Handshake.HELLO_RUN) + line + "more")
        .orElseThrow().nonce());
  }

  /**
   * The reason for the run: HTTP/2 frames of the largest size whose payloads are nothing but
   * newlines, then the hello line (a request string that tries to pass for a hello), are never
   * taken for one, since each frame header starts with 0.
   */
  @Test
  void awaitHello_neverTakesAHelloCarriedInValidFrames() throws IOException {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    for (int frame = 0; frame < 4; frame++) {
      // DATA frame, length 16384 (0x004000), END_STREAM clear, stream 1.
      stream.write(new byte[] {0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01});
      stream.write("\n".repeat(16384).getBytes(StandardCharsets.US_ASCII));
    }
    // The last one ends with the 48-byte line after 16336 newlines.
    stream.write(new byte[] {0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01});
    stream.write(("\n".repeat(16384 - 48) + "RAIDVM-HELLO/1 " + NONCE + "\n")
        .getBytes(StandardCharsets.US_ASCII));

    assertTrue(Handshake.awaitHello(new ByteArrayInputStream(stream.toByteArray())).isEmpty());
  }

  private static Optional<Handshake.Hello> awaitHello(String stream) throws IOException {
    return Handshake.awaitHello(new ByteArrayInputStream(
        stream.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void awaitHello_findsALineSplitAcrossReads() throws IOException {
    byte[] hello = Handshake.hello(NONCE);
    Optional<Handshake.Hello> found = Handshake.awaitHello(new OneByteAtATime(hello));
    assertEquals(NONCE, found.orElseThrow().nonce());
  }

  @Test
  void awaitHello_returnsEmptyWhenThePortEndsWithoutAHello() throws IOException {
    byte[] junk = "RAIDVM-HELLO/1 not-a-nonce\n".getBytes(StandardCharsets.US_ASCII);
    assertTrue(Handshake.awaitHello(new ByteArrayInputStream(junk)).isEmpty());
  }

  @Test
  void initiate_sendsHello_skipsOtherNonces_andReturnsBytesAfterItsAnswer() throws IOException {
    ByteArrayOutputStream fromGuest = new ByteArrayOutputStream();
    fromGuest.write("old goaway".getBytes(StandardCharsets.US_ASCII));
    fromGuest.write(Handshake.ready("ffffffffffffffffffffffffffffffff"));
    fromGuest.write(Handshake.ready(NONCE));
    fromGuest.write(new byte[] {0, 0, 6, 4});
    ByteArrayOutputStream toGuest = new ByteArrayOutputStream();

    byte[] rest = Handshake.initiate(new ByteArrayInputStream(fromGuest.toByteArray()), toGuest,
        NONCE);

    assertArrayEquals(Handshake.hello(NONCE), toGuest.toByteArray());
    assertArrayEquals(new byte[] {0, 0, 6, 4}, rest);
  }

  @Test
  void initiate_failsWhenTheGuestNeverAnswers() {
    assertThrows(EOFException.class, () -> Handshake.initiate(
        new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), NONCE));
  }

  @Test
  void newNonce_isFreshEachTime() {
    String a = Handshake.newNonce();
    assertEquals(32, a.length());
    assertTrue(!a.equals(Handshake.newNonce()));
  }

  /** Delivers one byte per read, as a slow serial port may. */
  private static final class OneByteAtATime extends InputStream {
    private final byte[] data;
    private int pos;

    OneByteAtATime(byte[] data) {
      this.data = data;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= data.length) {
        return -1;
      }
      b[off] = data[pos++];
      return 1;
    }
  }
}
