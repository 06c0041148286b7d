package io.raidvm.agent.md;

/**
 * A progress line of /proc/mdstat: {@code [=>....]  recovery =  8.7% (5632/62976)
 * finish=0.4min speed=2000K/sec}. The kernel names a repair "resync" here; the real action is in
 * sysfs ({@link MdSysfs#syncAction()}).
 *
 * @param action "resync", "recovery", "check" or "reshape"
 * @param doneKib and {@code totalKib}: 1 KiB blocks, as mdstat counts them
 * @param finishMinutes the kernel's estimate
 */
public record MdstatProgress(String action, double percent, long doneKib, long totalKib,
    double finishMinutes, long speedKibPerS) {}
