package io.raidvm.controller.vm;

import java.util.List;

/** How to accelerate a VM: {@code accel} with CPU models to try in order, and what to tell. */
public record AccelChoice(String accel, List<String> cpuCandidates, List<String> warnings) {

  public AccelChoice {
    cpuCandidates = List.copyOf(cpuCandidates);
    warnings = List.copyOf(warnings);
  }
}
