package io.raidvm.cli.support;

import io.grpc.Status;
import io.raidvm.api.agent.v1.GetOperationRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.OperationsGrpc;
import io.raidvm.api.agent.v1.Progress;
import java.util.Iterator;
import java.util.Locale;

/** Follows a long operation of an agent to its end, printing its progress as lines. */
public final class OperationFollower {

  private OperationFollower() {}

  /**
   * Prints {@code started}, then each change (as JSON Lines when {@code json}), and returns the
   * final state; a failed operation becomes the error its code and message describe (so the exit
   * code says what happened).
   */
  public static Operation follow(ControllerClient client, String vm, Operation started,
      Printer printer, boolean json) {
    Iterator<Operation> updates = client.agent(vm, OperationsGrpc::newBlockingStub)
        .waitOperation(GetOperationRequest.newBuilder().setId(started.getId()).build());
    Operation last = started;
    String lastLine = "";
    while (updates.hasNext()) {
      last = updates.next();
      if (json) {
        printer.jsonLine(last);
        continue;
      }
      String line = describe(last);
      if (!line.equals(lastLine)) {
        printer.line(line);
        lastLine = line;
      }
    }
    return requireSucceeded(last);
  }

  /**
   * {@code op}, unless it failed or was interrupted (the agent died while it ran; its message
   * says what to run next): then the error its code and message describe.
   */
  static Operation requireSucceeded(Operation op) {
    if (op.getState() == Operation.State.FAILED
        || op.getState() == Operation.State.INTERRUPTED) {
      Status.Code code;
      try {
        code = Status.Code.valueOf(op.getErrorCode());
      } catch (IllegalArgumentException e) {
        code = Status.Code.UNKNOWN;
      }
      String what = op.getState() == Operation.State.FAILED ? " failed: " : " was interrupted: ";
      throw Status.fromCode(code).withDescription(op.getKind() + " " + op.getTarget()
          + what + op.getErrorMessage()).asRuntimeException();
    }
    return op;
  }

  /** "[create-array md127] resync 42.0% (1234/5678 sectors) 10240 KiB/s, 12 s left". */
  static String describe(Operation op) {
    StringBuilder line = new StringBuilder("[" + op.getKind() + " " + op.getTarget() + "] ");
    Progress p = op.getProgress();
    switch (op.getState()) {
      case SUCCEEDED -> line.append("done");
      case FAILED -> line.append("failed: ").append(op.getErrorMessage());
      case INTERRUPTED -> line.append("interrupted: ").append(op.getErrorMessage());
      default -> {
        line.append(p.getPhase().isEmpty() ? "running" : p.getPhase());
        if (p.getPercent() > 0) {
          line.append(String.format(Locale.ROOT, " %.1f%%", p.getPercent()));
        }
        if (p.getTotal() > 0) {
          line.append(" (").append(p.getDone()).append('/').append(p.getTotal()).append(' ')
              .append(p.getUnit()).append(')');
        }
        if (p.getSpeedKibPerS() > 0) {
          line.append(", ").append(p.getSpeedKibPerS()).append(" KiB/s");
        }
        if (p.getEtaSeconds() > 0) {
          line.append(", ").append(p.getEtaSeconds()).append(" s left");
        }
      }
    }
    return line.toString();
  }
}
