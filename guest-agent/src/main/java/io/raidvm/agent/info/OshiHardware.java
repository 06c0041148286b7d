package io.raidvm.agent.info;

import java.util.function.Supplier;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;

/** {@link HardwareFacts} read through OSHI (from /proc/cpuinfo, /proc/meminfo, /proc/uptime). */
public final class OshiHardware implements Supplier<HardwareFacts> {

  private final SystemInfo system = new SystemInfo();

  @Override
  public HardwareFacts get() {
    CentralProcessor cpu = system.getHardware().getProcessor();
    GlobalMemory memory = system.getHardware().getMemory();
    return new HardwareFacts(cpu.getProcessorIdentifier().getName().strip(),
        cpu.getLogicalProcessorCount(), memory.getTotal(), memory.getAvailable(),
        system.getOperatingSystem().getSystemUptime());
  }
}
