package io.raidvm.agent.md;

import io.raidvm.agent.ops.OperationHandle;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.md.RaidLevel;
import java.time.Duration;
import java.util.Set;

/**
 * Follows an array's sync (initial resync, recovery, check, repair) by sampling sysfs once a
 * second: /proc/mdstat does not wake pollers on progress (design §6).
 */
final class SyncFollower {

  /** Waits between samples; tests step through captured snapshots instead. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  static final Duration INTERVAL = Duration.ofSeconds(1);
  /** How many samples {@link #awaitStart} takes before it gives up waiting. */
  static final int START_SAMPLES = 10;
  private static final Set<String> STOPPED = Set.of("clear", "inactive");
  private static final long SECTORS_PER_KIB = 2;

  private final MdKernelFiles kernel;
  private final Sleeper sleeper;

  SyncFollower(MdKernelFiles kernel, Sleeper sleeper) {
    this.kernel = kernel;
    this.sleeper = sleeper;
  }

  /** Reports progress to {@code handle} until the array has nothing left to sync. */
  void follow(String array, OperationHandle handle) throws InterruptedException {
    for (MdSysfs now = sample(array); !settled(now); now = sample(array)) {
      handle.progress(progress(now));
      sleeper.sleep(INTERVAL);
    }
  }

  /**
   * Waits (at most {@link #START_SAMPLES} samples) until md has picked up the work it was given:
   * a sync runs, or there is nothing to sync. Right after a device is added md may still show
   * "idle" for a moment.
   */
  void awaitStart(String array) throws InterruptedException {
    for (int i = 0; i < START_SAMPLES; i++) {
      MdSysfs now = sample(array);
      if (now.syncing() || settled(now)) {
        return;
      }
      sleeper.sleep(INTERVAL);
    }
  }

  /**
   * Nothing runs and nothing is due: no resync pending, and no spare waiting to rebuild a
   * missing member. A spare of an array that has lost more members than its level survives
   * (a second disk gone during a RAID 5's recovery) waits for nothing: md never rebuilds onto
   * it, and a follower that waited would wait forever.
   */
  static boolean settled(MdSysfs md) {
    boolean spareWaits = md.degraded() > 0 && recoverable(md) && md.members().stream()
        .anyMatch(m -> m.has("spare") && !m.has("faulty"));
    return !md.syncing() && md.resyncStart().equals("none") && !spareWaits;
  }

  /** Whether md can still rebuild the array; a level raidvm does not know is taken as yes. */
  private static boolean recoverable(MdSysfs md) {
    try {
      return md.degraded() <= RaidLevel.parse(md.level()).survivableFailures(md.raidDisks());
    } catch (RaidvmException e) {
      return true;
    }
  }

  /** The sample as operation progress: sectors, percent, speed and time left. */
  static Progress progress(MdSysfs md) {
    MdSysfs.Sectors sectors = md.syncSectors();
    long done = sectors.done();
    long total = sectors.total();
    long speed = md.syncSpeedKibPerS();
    return Progress.newBuilder()
        .setPhase(md.syncCompleted().equals("delayed") ? "delayed"
            : md.syncing() ? md.syncAction() : "pending")
        .setPercent(total == 0 ? 0 : 100.0 * done / total)
        .setDone(done)
        .setTotal(total)
        .setUnit("sectors")
        .setSpeedKibPerS(speed)
        .setEtaSeconds(speed == 0 ? 0 : (total - done) / SECTORS_PER_KIB / speed)
        .build();
  }

  private MdSysfs sample(String array) {
    MdSysfs md = kernel.sysfs(array);
    if (STOPPED.contains(md.arrayState())) {
      throw RaidvmException.failedPrecondition("%s was stopped (array_state %s) before its sync"
          + " was over", array, md.arrayState());
    }
    return md;
  }
}
