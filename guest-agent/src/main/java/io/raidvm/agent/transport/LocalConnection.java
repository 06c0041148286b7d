package io.raidvm.agent.transport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * One connection to the agent's own gRPC server on its private Unix socket, as a pair of streams.
 *
 * <p>The streams call the channel directly: {@code Channels.newInputStream} and
 * {@code newOutputStream} share one lock, so a blocked read would stall the other direction's
 * writes.
 */
final class LocalConnection implements Closeable {

  private final SocketChannel channel;
  private final InputStream input;
  private final OutputStream output;

  private LocalConnection(SocketChannel channel) {
    this.channel = channel;
    this.input = new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
      }
    };
    this.output = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
    };
  }

  static LocalConnection open(Path socket) throws IOException {
    return new LocalConnection(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
  }

  InputStream input() {
    return input;
  }

  OutputStream output() {
    return output;
  }

  /** Closes the connection; a read blocked on it in another thread ends at once. */
  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing a socket we no longer use: nothing to recover.
    }
  }
}
