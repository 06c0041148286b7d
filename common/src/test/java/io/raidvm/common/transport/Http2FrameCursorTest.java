package io.raidvm.common.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The cursor over frames written down byte by byte (RFC 9113 §3.4 preface, §4.1 frame layout). */
class Http2FrameCursorTest {

  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  /** An empty SETTINGS frame: length 0, type 4, flags 0, stream 0. */
  private static final byte[] SETTINGS = {0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00};
  /** A SETTINGS ACK: length 0, type 4, flags 1 (ACK), stream 0. */
  private static final byte[] SETTINGS_ACK = {0x00, 0x00, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00,
      0x00};
  /**
   * A DATA frame on stream 1 (length 0x45 = 69, END_STREAM) whose payload is a gRPC message
   * (uncompressed, 64 bytes) of a string field 1 (62 bytes) carrying a hello line: the bytes of
   * {@code ChecksumFilesRequest{path: "/mnt/md127/x\nRAIDVM-HELLO/1 …\nx"}} on the wire.
   */
  private static final byte[] DATA_WITH_HELLO = concat(
      new byte[] {0x00, 0x00, 0x45, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01},
      new byte[] {0x00, 0x00, 0x00, 0x00, 0x40, 0x0a, 0x3e},
      "/mnt/md127/x\nRAIDVM-HELLO/1 0123456789abcdef0123456789abcdef\nx"
          .getBytes(StandardCharsets.US_ASCII));
  /** A frame of the largest size the agent allows: length 0x004000, DATA, stream 3. */
  private static final byte[] MAX_HEADER = {0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03};

  @Test
  void prefaceAndFrames_areAllInStep_andEndAtAFrameBoundary() {
    byte[] stream = concat(PREFACE, SETTINGS, DATA_WITH_HELLO, SETTINGS_ACK);
    assertEquals(69, DATA_WITH_HELLO.length - 9, "the DATA frame's length field");

    Http2FrameCursor cursor = new Http2FrameCursor();
    assertEquals(stream.length, cursor.feed(stream, 0, stream.length));
    assertNull(cursor.problem());
    assertTrue(cursor.atFrameBoundary());
  }

  @Test
  void splitAtEveryBytePosition_givesTheSameAnswer() {
    byte[] stream = concat(PREFACE, SETTINGS, DATA_WITH_HELLO, MAX_HEADER, new byte[16384],
        SETTINGS_ACK);
    for (int split = 0; split <= stream.length; split += split < 200 ? 1 : 997) {
      Http2FrameCursor cursor = new Http2FrameCursor();
      assertEquals(split, cursor.feed(stream, 0, split), "first part, split at " + split);
      assertEquals(stream.length - split, cursor.feed(stream, split, stream.length - split),
          "second part, split at " + split);
      assertTrue(cursor.atFrameBoundary(), "split at " + split);
    }
  }

  @Test
  void oneByteAtATime_staysInStep_andIsBetweenFramesOnlyBetweenFrames() {
    byte[] stream = concat(PREFACE, SETTINGS, DATA_WITH_HELLO);
    Http2FrameCursor cursor = new Http2FrameCursor();
    int boundaries = 0;
    for (int i = 0; i < stream.length; i++) {
      assertEquals(1, cursor.feed(stream, i, 1), "byte " + i);
      if (cursor.atFrameBoundary()) {
        boundaries++;
      }
    }
    assertEquals(3, boundaries, "after the preface, after SETTINGS, after DATA");
  }

  @Test
  void aNewlineWhereAHeaderStarts_isOutOfStep_atThatByte() {
    byte[] stream = concat(PREFACE, SETTINGS, "\nRAIDVM-HELLO/1 ".getBytes(
        StandardCharsets.US_ASCII));
    Http2FrameCursor cursor = new Http2FrameCursor();

    assertEquals(PREFACE.length + SETTINGS.length, cursor.feed(stream, 0, stream.length));
    assertEquals("a frame header whose length exceeds 16384 (header byte 0 is 0x0a)",
        cursor.problem());
    assertFalse(cursor.atFrameBoundary());
    assertEquals(0, cursor.feed(SETTINGS, 0, SETTINGS.length), "stays out of step");
  }

  @Test
  void aLengthJustOverTheMaximum_isOutOfStep_atTheByteThatMakesItSo() {
    Http2FrameCursor cursor = new Http2FrameCursor();
    byte[] over = concat(PREFACE, new byte[] {0x00, 0x40, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x01});
    assertEquals(PREFACE.length + 2, cursor.feed(over, 0, over.length));
    assertEquals("a frame header whose length exceeds 16384 (header byte 2 is 0x01)",
        cursor.problem());

    Http2FrameCursor second = new Http2FrameCursor();
    byte[] secondByte = concat(PREFACE, new byte[] {0x00, 0x41});
    assertEquals(PREFACE.length + 1, second.feed(secondByte, 0, secondByte.length));
  }

  @Test
  void theReservedBitSet_isOutOfStep() {
    byte[] stream = concat(PREFACE, new byte[] {0x00, 0x00, 0x00, 0x04, 0x00, (byte) 0x80, 0x00,
        0x00, 0x00});
    Http2FrameCursor cursor = new Http2FrameCursor();
    assertEquals(PREFACE.length + 5, cursor.feed(stream, 0, stream.length));
    assertEquals("a frame header with the reserved bit set", cursor.problem());
  }

  @Test
  void aPrefaceThatDiffers_isOutOfStep_atTheFirstByteThatDiffers() {
    byte[] stream = "PRI * HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    Http2FrameCursor cursor = new Http2FrameCursor();
    assertEquals(11, cursor.feed(stream, 0, stream.length));
    assertEquals("byte 11 of the HTTP/2 client preface differs", cursor.problem());
  }

  /**
   * The host's filler reaches a guest left inside a frame of a dead session: it ends that frame,
   * and the next newline is out of step, with at least {@link Handshake#HELLO_RUN} newlines left
   * before the hello. Here: one header byte in (the filler makes it a 2570-byte frame), and at the
   * start of the largest payload.
   */
  @Test
  void theFiller_bringsAGuestInsideAFrameOutOfStep_withARunLeft() {
    byte[] filler = new byte[Handshake.FILLER];
    Arrays.fill(filler, (byte) '\n');

    Http2FrameCursor inHeader = new Http2FrameCursor();
    byte[] oneHeaderByte = concat(PREFACE, new byte[] {0x00});
    inHeader.feed(oneHeaderByte, 0, oneHeaderByte.length);
    int taken = inHeader.feed(filler, 0, filler.length);
    // 0x00 0x0a 0x0a: a length of 2570, then 6 more header bytes and the payload.
    assertEquals(8 + 0x0a0a, taken);
    assertTrue(inHeader.problem() != null);
    assertTrue(filler.length - taken >= Handshake.HELLO_RUN);

    Http2FrameCursor inPayload = new Http2FrameCursor();
    byte[] largestHeader = concat(PREFACE, MAX_HEADER);
    inPayload.feed(largestHeader, 0, largestHeader.length);
    taken = inPayload.feed(filler, 0, filler.length);
    assertEquals(16384, taken);
    assertTrue(filler.length - taken >= Handshake.HELLO_RUN);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
