package io.raidvm.controller.vm;

/** What a VM spec's unset fields mean (see controller.proto): one place for the defaults. */
public final class VmSpecs {

  public static final int DEFAULT_MEMORY_MIB = 1024;
  public static final int DEFAULT_VCPUS = 2;

  private VmSpecs() {}

  /** A VmSpec's memory_mib as the VM gets it: 0 means {@link #DEFAULT_MEMORY_MIB}. */
  public static int memoryMib(int requested) {
    return requested == 0 ? DEFAULT_MEMORY_MIB : requested;
  }

  /** A VmSpec's vcpus as the VM gets them: 0 means {@link #DEFAULT_VCPUS}. */
  public static int vcpus(int requested) {
    return requested == 0 ? DEFAULT_VCPUS : requested;
  }
}
