package io.raidvm.agent.transport;

import io.raidvm.common.transport.ChannelStreams;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** One connection to the agent's own gRPC server on its private Unix socket, as a pair of streams. */
final class LocalConnection implements Closeable {

  private final SocketChannel channel;
  private final InputStream input;
  private final OutputStream output;

  private LocalConnection(SocketChannel channel) {
    this.channel = channel;
    this.input = ChannelStreams.in(channel);
    this.output = ChannelStreams.out(channel);
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
