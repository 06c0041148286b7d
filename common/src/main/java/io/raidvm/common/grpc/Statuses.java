package io.raidvm.common.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.common.error.Messages;
import io.raidvm.common.error.RaidvmException;

/**
 * The one place where domain errors become gRPC statuses. Stack traces never reach clients; an
 * unexpected exception stays the status's cause, for {@link UnexpectedErrors} to log.
 */
public final class Statuses {

  private Statuses() {}

  public static StatusRuntimeException toStatus(Throwable t) {
    if (t instanceof StatusRuntimeException sre) {
      return sre;
    }
    if (t instanceof RaidvmException e) {
      return codeOf(e.kind()).withDescription(Messages.readable(e.getMessage()))
          .asRuntimeException();
    }
    return Status.INTERNAL
        .withDescription(Messages.readable("internal error: " + t.getClass().getSimpleName() + ": "
            + t.getMessage()))
        .withCause(t)
        .asRuntimeException();
  }

  static Status codeOf(RaidvmException.Kind kind) {
    return switch (kind) {
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
      case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
      case ABORTED -> Status.ABORTED;
      case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
      case UNAVAILABLE -> Status.UNAVAILABLE;
      case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
      case CANCELLED -> Status.CANCELLED;
      case INTERNAL -> Status.INTERNAL;
    };
  }
}
