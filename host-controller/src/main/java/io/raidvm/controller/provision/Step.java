package io.raidvm.controller.provision;

import io.raidvm.api.agent.v1.Progress;

/** One step of a provision: it looks at what exists, then does only what is missing. */
record Step(String name, Body body) {

  interface Body {
    Outcome run(Reporter reporter);
  }

  /** What a running step tells its watchers. */
  interface Reporter {
    void progress(String message, Progress progress);
  }
}
