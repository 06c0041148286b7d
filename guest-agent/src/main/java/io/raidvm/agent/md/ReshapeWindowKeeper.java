package io.raidvm.agent.md;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.md.RaidLevel;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Keeps a reshape's {@code sync_max} a {@link ReshapeWindow} ahead of what md has done, so that
 * md records its position at least once a window and a power cut or reboot in the middle loses
 * nothing. The grow holds md at one unit before {@code mdadm --grow} starts it
 * ({@link #hold}), then keeps the window while it follows the reshape, and lets md run free
 * ({@code sync_max} "max") once the reshape is over.
 *
 * <p>Should the agent stop meanwhile, the hold stays: md waits at {@code sync_max}, safe, and
 * the same grow run again (or the array's next assembly, which resets sync_max) goes on.
 */
final class ReshapeWindowKeeper {

  private static final Logger LOG = Logger.getLogger(ReshapeWindowKeeper.class.getName());
  /** How often the window moves: md waits at sync_max meanwhile, so small windows want it often. */
  static final Duration STEP = Duration.ofMillis(100);
  /** The levels md restripes by moving the members' data offsets, as measured. */
  private static final Set<RaidLevel> RESTRIPED = Set.of(RaidLevel.RAID4, RaidLevel.RAID5,
      RaidLevel.RAID6);
  private static final Set<String> STOPPED = Set.of("clear", "inactive");
  /** How many times {@link #hold} tries, {@link #STEP} apart: 5 s. */
  static final int HOLD_TRIES = 50;

  private final MdKernelFiles kernel;
  private final SyncFollower.Sleeper sleeper;

  ReshapeWindowKeeper(MdKernelFiles kernel, SyncFollower.Sleeper sleeper) {
    this.kernel = kernel;
    this.sleeper = sleeper;
  }

  /**
   * The unit to hold a reshape from {@code now} to {@code plan} at, when it is one md restripes
   * (raid4/5/6 before and after); empty otherwise (raid1 and raid10 are not held).
   */
  static Optional<Long> unit(MdSysfs now, ReshapePlan plan) {
    RaidLevel before = RaidLevel.parse(now.level());
    if (!RESTRIPED.contains(before) || !RESTRIPED.contains(plan.level())) {
      return Optional.empty();
    }
    return Optional.of(ReshapeWindow.unit(now.chunkBytes(), plan.chunkKib() * 1024L));
  }

  /**
   * Holds the array's next reshape at {@code unit} sectors (sync_max); false when md stays busy
   * for {@link #HOLD_TRIES} steps (it refuses a lower sync_max while its sync thread runs,
   * EBUSY; seen in CI right after a member was added).
   */
  boolean hold(String array, long unit) throws InterruptedException {
    for (int i = 1; ; i++) {
      try {
        kernel.writeSyncMax(array, Optional.of(unit));
        return true;
      } catch (RaidvmException e) {
        if (i == HOLD_TRIES) {
          LOG.warning(() -> "reshape of " + array + ": cannot hold it (" + e.getMessage()
              + "); md reshapes without a window");
          return false;
        }
      }
      sleeper.sleep(STEP);
    }
  }

  /** Lets md reshape to the end (sync_max "max"). */
  void release(String array) {
    kernel.writeSyncMax(array, Optional.empty());
  }

  /**
   * The window of the reshape md runs now, from the members' offsets; empty, after releasing
   * the hold, when its offsets do not move (mdadm's backup file protects it then) or move by
   * less than two units (then nothing can: {@link #unprotected} says so).
   */
  Optional<ReshapeWindow> window(String array, long unit) {
    Optional<ReshapeWindow> window;
    try {
      window = ReshapeWindow.of(unit, kernel.memberOffsets(array));
    } catch (RaidvmException e) {
      LOG.warning(() -> "reshape of " + array + ": cannot read its members' offsets ("
          + e.getMessage() + "); md goes on without a window");
      window = Optional.empty();
    }
    if (window.isEmpty()) {
      release(array);
    }
    return window;
  }

  /** Whether the reshape moves data offsets by too little for a window: a cut loses data. */
  boolean unprotected(String array) {
    try {
      return ReshapeWindow.move(kernel.memberOffsets(array)) > 0;
    } catch (RaidvmException e) {
      return true;
    }
  }

  /**
   * Moves sync_max ahead of sync_completed until the reshape is over, then releases it. A
   * failed write ends the keeping (logged): md runs free then, as it would without the agent.
   */
  void keep(String array, ReshapeWindow window) throws InterruptedException {
    long max = kernel.syncMax(array).orElse(Long.MAX_VALUE);
    try {
      while (max != Long.MAX_VALUE) {
        MdSysfs now = kernel.reshapeState(array);
        if (STOPPED.contains(now.arrayState())) {
          return;
        }
        if (!now.reshaping()) {
          release(array);
          return;
        }
        long next = window.next(now.syncSectors().done(), max);
        if (next > max) {
          kernel.writeSyncMax(array, Optional.of(next));
          max = next;
        }
        sleeper.sleep(STEP);
      }
    } catch (RaidvmException e) {
      LOG.warning(() -> "reshape of " + array + ": cannot keep its window (" + e.getMessage()
          + "); md goes on without it");
      try {
        release(array);
      } catch (RaidvmException ignored) {
        // The array went away meanwhile: nothing holds it.
      }
    }
  }
}
