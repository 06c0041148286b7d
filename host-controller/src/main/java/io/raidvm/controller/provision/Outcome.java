package io.raidvm.controller.provision;

import io.raidvm.api.controller.v1.ProvisionStepState;

/** How a step ended: it changed something, found it true already, or was not asked for. */
record Outcome(ProvisionStepState state, String message) {

  static Outcome done(String format, Object... args) {
    return new Outcome(ProvisionStepState.STEP_DONE, String.format(format, args));
  }

  static Outcome alreadyDone(String format, Object... args) {
    return new Outcome(ProvisionStepState.STEP_ALREADY_DONE, String.format(format, args));
  }

  static Outcome skipped(String format, Object... args) {
    return new Outcome(ProvisionStepState.STEP_SKIPPED, String.format(format, args));
  }
}
