package io.raidvm.agent.device;

import io.raidvm.common.error.RaidvmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One change per array and per disk at a time. A call that changes something takes a lease on
 * every array and whole disk it touches before its first check; a second call that wants any of
 * them is refused at once with ABORTED naming what holds it — it never waits and never runs
 * beside the first. A long operation keeps its lease until its background work ends.
 *
 * <p>Keys are kernel names: arrays ("md127") and whole disks ("sdb"); a partition is locked as
 * its disk, so partitioning sdb and adding sdb1 to an array exclude each other.
 */
public final class DeviceLocks {

  private final Clock clock;
  private final Map<String, Lease> held = new HashMap<>();

  public DeviceLocks() {
    this(Clock.systemUTC());
  }

  DeviceLocks(Clock clock) {
    this.clock = clock;
  }

  /** What holds a set of keys: a call, and once it has become one, its operation's id. */
  public final class Lease implements AutoCloseable {
    private final String holder;
    private final Set<String> keys;
    private final Instant since;
    private volatile String operationId = "";
    private boolean released;

    private Lease(String holder, Set<String> keys, Instant since) {
      this.holder = holder;
      this.keys = keys;
      this.since = since;
    }

    /** The long operation that now carries this lease (for the message a refused call gets). */
    public void attach(String id) {
      operationId = id;
    }

    public Set<String> keys() {
      return keys;
    }

    /** Releases every key; safe to call more than once. */
    @Override
    public void close() {
      synchronized (held) {
        if (released) {
          return;
        }
        released = true;
        keys.forEach(key -> held.remove(key, this));
      }
    }

    private String describe() {
      long seconds = Duration.between(since, clock.instant()).toSeconds();
      String what = operationId.isEmpty() ? holder
          : "operation " + operationId + " (" + holder + ")";
      return what + ", running for " + seconds + " s";
    }
  }

  /**
   * Takes every key or none.
   *
   * @param holder what is about to change them, for others' messages ("ReplaceMember md127")
   * @param keys kernel names of arrays and whole disks
   * @throws RaidvmException ABORTED naming the key and what holds it
   */
  public Lease acquire(String holder, List<String> keys) {
    Set<String> wanted = new LinkedHashSet<>(keys);
    synchronized (held) {
      for (String key : wanted) {
        Lease other = held.get(key);
        if (other != null) {
          throw RaidvmException.aborted("/dev/%s is busy: %s is changing it; wait until it has"
              + " ended (raidctl op list shows it) and try again", key, other.describe());
        }
      }
      Lease lease = new Lease(holder, Set.copyOf(wanted), clock.instant());
      wanted.forEach(key -> held.put(key, lease));
      return lease;
    }
  }

  /** The keys held now, for tests and diagnostics. */
  public Set<String> heldKeys() {
    synchronized (held) {
      return Set.copyOf(held.keySet());
    }
  }
}
