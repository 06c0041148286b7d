package io.raidvm.agent.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The real port device, {@code /dev/virtio-ports/io.raidvm.agent.0}. Only one guest process may
 * hold it open (a second open fails with "Device or resource busy").
 */
public final class VirtioPort implements AgentPort {

  private final RandomAccessFile file;
  private final InputStream input;
  private final OutputStream output;

  private VirtioPort(RandomAccessFile file) {
    this.file = file;
    this.input = new InputStream() {
      @Override
      public int read() throws IOException {
        return file.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return file.read(b, off, len);
      }
    };
    this.output = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        file.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        file.write(b, off, len);
      }
    };
  }

  /** Opens {@code device} for reading and writing; fails when it is missing or busy. */
  public static VirtioPort open(Path device) throws IOException {
    if (!Files.exists(device)) {
      // RandomAccessFile would create a plain file in its place.
      throw new NoSuchFileException(device.toString(), null, "no such device (yet)");
    }
    return new VirtioPort(new RandomAccessFile(device.toFile(), "rw"));
  }

  @Override
  public InputStream input() {
    return input;
  }

  @Override
  public OutputStream output() {
    return output;
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
