package io.raidvm.controller.provision;

import io.raidvm.api.agent.v1.Progress;

/**
 * One step of a provision: it looks at what exists, then does only what is missing.
 *
 * @param array the array a per-array step is for ("md0"); empty on the steps made once
 */
record Step(String name, String array, Body body) {

  Step(String name, Body body) {
    this(name, "", body);
  }

  interface Body {
    Outcome run(Reporter reporter);
  }

  /** What a running step tells its watchers. */
  interface Reporter {
    void progress(String message, Progress progress);
  }
}
