package io.raidvm.common.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Streams over a blocking socket channel that can read and write at the same time.
 * ({@code Channels.newInputStream} and {@code newOutputStream} share one lock, so a blocked read
 * would hold up every write.)
 */
public final class ChannelStreams {

  private ChannelStreams() {}

  public static InputStream in(SocketChannel channel) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        return channel.read(ByteBuffer.wrap(b, off, len));
      }
    };
  }

  public static OutputStream out(SocketChannel channel) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
          channel.write(buf);
        }
      }
    };
  }
}
