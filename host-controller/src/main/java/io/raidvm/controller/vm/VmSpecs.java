package io.raidvm.controller.vm;

import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.common.Ranges;

/**
 * What a VM spec's unset fields mean (see controller.proto) and the ranges of its numbers: one
 * place for the defaults and the checks.
 */
public final class VmSpecs {

  public static final int DEFAULT_MEMORY_MIB = 1024;
  public static final int MIN_MEMORY_MIB = 256;
  public static final int MAX_MEMORY_MIB = 65536;
  public static final int DEFAULT_VCPUS = 2;
  public static final int MAX_VCPUS = 64;

  private VmSpecs() {}

  /**
   * A VmSpec's memory_mib as the VM gets it: 0 means {@link #DEFAULT_MEMORY_MIB}; outside
   * {@link #MIN_MEMORY_MIB} to {@link #MAX_MEMORY_MIB} INVALID_ARGUMENT.
   */
  public static int memoryMib(int requested) {
    return (int) Ranges.orDefault("memory", Ranges.unsigned(requested), DEFAULT_MEMORY_MIB,
        MIN_MEMORY_MIB, MAX_MEMORY_MIB, "MiB");
  }

  /**
   * A VmSpec's vcpus as the VM gets them: 0 means {@link #DEFAULT_VCPUS}; more than
   * {@link #MAX_VCPUS} INVALID_ARGUMENT.
   */
  public static int vcpus(int requested) {
    return (int) Ranges.orDefault("vCPUs", Ranges.unsigned(requested), DEFAULT_VCPUS, 1,
        MAX_VCPUS, "");
  }

  /** Checks every number of the spec; INVALID_ARGUMENT naming the first out of range. */
  public static void check(VmSpec spec) {
    memoryMib(spec.getMemoryMib());
    vcpus(spec.getVcpus());
  }
}
