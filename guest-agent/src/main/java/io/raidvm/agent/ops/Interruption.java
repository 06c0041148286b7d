package io.raidvm.agent.ops;

import com.google.protobuf.Timestamp;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.Progress;
import java.util.Locale;

/** What the next agent makes of an operation whose record it finds still RUNNING. */
final class Interruption {

  /** The gRPC code name an interrupted operation carries. */
  static final String CODE = "ABORTED";

  /** The hint of an operation whose kind registered none. */
  static final String UNKNOWN_LEFTOVERS = "the agent does not know what the killed work left;"
      + " look at the target before running the operation again";

  private Interruption() {}

  /** {@code running} as INTERRUPTED, found so at {@code foundAt}. */
  static Operation of(Operation running, Timestamp foundAt) {
    String step = step(running.getProgress());
    String hint = running.getResumeHint().isEmpty()
        ? UNKNOWN_LEFTOVERS : running.getResumeHint();
    return running.toBuilder()
        .setState(Operation.State.INTERRUPTED)
        .setFinishedAt(foundAt)
        .setInterruptedStep(step)
        .setErrorCode(CODE)
        .setErrorMessage(String.format("the agent stopped while %s of %s was running (step: %s);"
            + " %s", running.getKind(), running.getTarget(), step, hint))
        .build();
  }

  /** The latest phase the agent had recorded, with its percentage when it had one. */
  static String step(Progress progress) {
    if (progress.getPhase().isEmpty()) {
      return "starting";
    }
    return progress.getPercent() > 0
        ? String.format(Locale.ROOT, "%s, %.1f%%", progress.getPhase(), progress.getPercent())
        : progress.getPhase();
  }
}
