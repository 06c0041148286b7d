package io.raidvm.controller.image;

import io.raidvm.api.controller.v1.BuildProgress;

/** Progress reports of an image build. */
final class Progress {

  private Progress() {}

  static BuildProgress of(String step, String message) {
    return BuildProgress.newBuilder().setStep(step).setMessage(message).build();
  }

  static BuildProgress cached(String step, String message) {
    return of(step, message).toBuilder().setCached(true).build();
  }
}
