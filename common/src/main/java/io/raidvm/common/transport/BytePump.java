package io.raidvm.common.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies bytes from one stream to another until either side ends, flushing every chunk. */
public final class BytePump {

  private BytePump() {}

  /**
   * Copies until {@code in} ends or either side fails. Returns normally in both cases: to a pump,
   * a closed peer is the end of the session, not an error.
   */
  public static void copy(InputStream in, OutputStream out) {
    byte[] buf = new byte[16384];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (n > 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // One side went away: the session is over.
    }
  }
}
