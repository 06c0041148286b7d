package io.raidvm.cli.support;

import io.grpc.Status;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.Statuses;
import io.grpc.StatusRuntimeException;
import io.raidvm.common.error.Messages;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failed command as one line (the stack trace only with the hidden --stacktrace option)
 * and maps the failure to an exit code a script can branch on.
 */
public final class ErrorHandler implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    cmd.getErr().println("raidctl: " + describe(e));
    if (parsed.hasMatchedOption("--stacktrace")) {
      e.printStackTrace(cmd.getErr());
    }
    cmd.getErr().flush();
    return exitCode(e);
  }

  /** One readable message: the controller's text is cleaned again, whoever sent it. */
  static String describe(Throwable e) {
    return Messages.readable(raw(e));
  }

  private static String raw(Throwable e) {
    if (e instanceof StatusRuntimeException sre) {
      Status s = sre.getStatus();
      String text = s.getDescription() != null ? s.getDescription() : "";
      if (s.getCause() != null && s.getCause().getMessage() != null) {
        text += (text.isEmpty() ? "" : ": ") + s.getCause().getMessage();
      }
      return s.getCode() + ": " + text;
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /**
   * 2 bad input, 3 not found, 4 refused as things stand, 5 unreachable, 6 timed out, 7 not
   * allowed for the caller's role, 1 else.
   */
  public static int exitCode(Throwable e) {
    if (e instanceof StatusRuntimeException sre) {
      return switch (sre.getStatus().getCode()) {
        case INVALID_ARGUMENT -> 2;
        case NOT_FOUND -> 3;
        case FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED -> 4;
        case UNAVAILABLE -> 5;
        case DEADLINE_EXCEEDED -> 6;
        case PERMISSION_DENIED, UNAUTHENTICATED -> 7;
        default -> 1;
      };
    }
    if (e instanceof NoControllerException) {
      return 5;
    }
    if (e instanceof RaidvmException re) {
      // raidctl's own refusals (checked before a call) exit as the controller's would.
      return exitCode(Statuses.toStatus(re));
    }
    return e instanceof CommandLine.ParameterException ? 2 : 1;
  }
}
