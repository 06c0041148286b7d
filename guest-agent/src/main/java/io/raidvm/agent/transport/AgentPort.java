package io.raidvm.agent.transport;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The guest end of the agent's virtio-serial port: one byte stream in each direction, with no
 * connection boundaries. While no host is connected its input reports end-of-stream (-1) on every
 * read; that is not the end of the port, only the absence of a host.
 */
public interface AgentPort extends Closeable {

  InputStream input();

  OutputStream output();

  /** Opens the port; {@link VirtioPortBridge} retries when this fails. */
  @FunctionalInterface
  interface Opener {
    AgentPort open() throws java.io.IOException;
  }
}
