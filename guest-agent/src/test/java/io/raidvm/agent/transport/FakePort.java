package io.raidvm.agent.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * A virtio-serial port as the guest sees it, driven by the test as "the host". Like the real port,
 * its input returns end-of-stream on every read while no host is connected, and only after the
 * bytes the host sent before hanging up have been read.
 */
final class FakePort implements AgentPort {

  private final LinkedBlockingDeque<byte[]> toGuest = new LinkedBlockingDeque<>();
  private final ByteArrayOutputStream fromGuest = new ByteArrayOutputStream();
  private volatile boolean hostConnected;
  private volatile boolean broken;
  private volatile boolean closed;
  private volatile int eofReads;
  private volatile int idleWaits;

  void connectHost() {
    hostConnected = true;
  }

  void hangUp() {
    hostConnected = false;
  }

  /** Makes the next read fail, as a hot-unplugged device would. */
  void breakDevice() {
    broken = true;
  }

  /** Sends bytes from the host; each call arrives as one read on the guest side. */
  void send(byte[] bytes) {
    toGuest.add(bytes.clone());
  }

  void send(String text) {
    send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Everything the guest wrote to the port so far. */
  String fromGuest() {
    synchronized (fromGuest) {
      return fromGuest.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** True once the guest has read everything the host sent. */
  boolean allRead() {
    return toGuest.isEmpty();
  }

  /**
   * How often a read found nothing to read and waited. Once everything sent was read, a rise
   * means the guest came back for more: it has dealt with what it read before.
   */
  int idleWaits() {
    return idleWaits;
  }

  int eofReads() {
    return eofReads;
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public InputStream input() {
    return new InputStream() {
      @Override
      public int read() {
        throw new UnsupportedOperationException("the bridge reads in chunks");
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
          if (closed || broken) {
            throw new IOException(closed ? "port closed" : "No such device");
          }
          byte[] chunk;
          try {
            chunk = toGuest.poll(5, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
          }
          if (chunk != null) {
            int n = Math.min(len, chunk.length);
            System.arraycopy(chunk, 0, b, off, n);
            if (n < chunk.length) {
              byte[] remainder = new byte[chunk.length - n];
              System.arraycopy(chunk, n, remainder, 0, remainder.length);
              toGuest.addFirst(remainder);
            }
            return n;
          }
          if (!hostConnected) {
            eofReads++;
            return -1;
          }
          idleWaits++;
        }
      }
    };
  }

  @Override
  public OutputStream output() {
    return new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (fromGuest) {
          fromGuest.write(b, off, len);
        }
      }
    };
  }

  @Override
  public void close() {
    closed = true;
  }
}
