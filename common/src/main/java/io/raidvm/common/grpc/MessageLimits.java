package io.raidvm.common.grpc;

/**
 * The largest message and header block a gRPC peer takes in; a larger one fails that call with
 * RESOURCE_EXHAUSTED and leaves the connection and every other call on it alone.
 *
 * @param messageBytes one request or answer, or one event of a stream
 * @param metadataBytes the headers or trailers of one call (error messages are at most 2 KiB:
 *     {@link io.raidvm.common.error.Messages#MAX_CHARS})
 */
public record MessageLimits(int messageBytes, int metadataBytes) {

  /**
   * What every raidvm server takes in from its clients, and what the host takes in from a guest's
   * agent. Requests, the agent's answers and its events are all far below 1 MiB; a guest that
   * sends more is not believed, and the host's memory for it stays bounded.
   */
  public static final MessageLimits DEFAULT = new MessageLimits(4 * 1024 * 1024, 16 * 1024);

  /** What raidctl takes in from the controller: a console tail or an audit page may be large. */
  public static final MessageLimits CONTROLLER_ANSWERS =
      new MessageLimits(64 * 1024 * 1024, 16 * 1024);
}
