package io.raidvm.common.error;

/**
 * The one error type of raidvm's domain code. Its {@link Kind} says what the caller can do about
 * it; {@code io.raidvm.common.grpc.Statuses} turns it into a gRPC status, in one place.
 */
public class RaidvmException extends RuntimeException {

  /** What went wrong, from the caller's point of view. Mirrors the gRPC codes raidvm uses. */
  public enum Kind {
    INVALID_ARGUMENT,
    NOT_FOUND,
    ALREADY_EXISTS,
    FAILED_PRECONDITION,
    /** Another operation holds what this call would change: try again when it has ended. */
    ABORTED,
    /** The caller's role does not allow the call. */
    PERMISSION_DENIED,
    UNAVAILABLE,
    DEADLINE_EXCEEDED,
    CANCELLED,
    INTERNAL
  }

  private final Kind kind;

  public RaidvmException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public RaidvmException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static RaidvmException invalidArgument(String format, Object... args) {
    return new RaidvmException(Kind.INVALID_ARGUMENT, String.format(format, args));
  }

  public static RaidvmException notFound(String format, Object... args) {
    return new RaidvmException(Kind.NOT_FOUND, String.format(format, args));
  }

  public static RaidvmException alreadyExists(String format, Object... args) {
    return new RaidvmException(Kind.ALREADY_EXISTS, String.format(format, args));
  }

  public static RaidvmException failedPrecondition(String format, Object... args) {
    return new RaidvmException(Kind.FAILED_PRECONDITION, String.format(format, args));
  }

  public static RaidvmException aborted(String format, Object... args) {
    return new RaidvmException(Kind.ABORTED, String.format(format, args));
  }

  public static RaidvmException permissionDenied(String format, Object... args) {
    return new RaidvmException(Kind.PERMISSION_DENIED, String.format(format, args));
  }

  public static RaidvmException unavailable(String format, Object... args) {
    return new RaidvmException(Kind.UNAVAILABLE, String.format(format, args));
  }

  public static RaidvmException deadlineExceeded(String format, Object... args) {
    return new RaidvmException(Kind.DEADLINE_EXCEEDED, String.format(format, args));
  }

  public static RaidvmException internal(String message, Throwable cause) {
    return new RaidvmException(Kind.INTERNAL, message, cause);
  }

  /** Restores the interrupt flag and reports the interruption as a cancellation. */
  public static RaidvmException interrupted(String what, InterruptedException e) {
    Thread.currentThread().interrupt();
    return new RaidvmException(Kind.CANCELLED, "interrupted while " + what, e);
  }
}
