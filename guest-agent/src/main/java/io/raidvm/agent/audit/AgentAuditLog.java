package io.raidvm.agent.audit;

import io.raidvm.api.agent.v1.AgentAuditEntry;
import io.raidvm.api.agent.v1.ReadAuditResponse;
import io.raidvm.common.Ranges;
import io.raidvm.common.audit.JsonLines;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's audit trail in the guest, {@code /var/log/raidvm-agent/audit.jsonl}: one
 * {@link AgentAuditEntry} per line ({@link JsonLines}, as the controller's: forced to disk before
 * the call's result leaves; at {@link #ROTATE_AT} it becomes {@code audit.jsonl.1}, so at most
 * about 8 MiB of the guest's disk). Each entry gets the next sequence number, continuing after the
 * highest one kept when the agent starts, so the controller can copy each exactly once.
 */
public final class AgentAuditLog {

  private static final Logger LOG = Logger.getLogger(AgentAuditLog.class.getName());
  /** Where the trail is kept, below the guest's root. */
  public static final String FILE = "var/log/raidvm-agent/audit.jsonl";
  public static final long ROTATE_AT = 4L << 20;
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final JsonLines<AgentAuditEntry> lines;
  private final AtomicLong last = new AtomicLong();

  AgentAuditLog(Path file, long rotateAt) {
    this.lines = new JsonLines<>(file, rotateAt, AgentAuditEntry::newBuilder);
    try {
      lines.scan(entry -> {
        last.accumulateAndGet(entry.getSequence(), Math::max);
        return true;
      });
    } catch (IOException e) {
      // The agent serves regardless; numbers start over, which the controller notices.
      LOG.log(Level.SEVERE, "cannot read the audit trail " + file, e);
    }
  }

  /** The trail in {@code root}'s {@link #FILE}. */
  public static AgentAuditLog in(Path root) {
    return new AgentAuditLog(root.resolve(FILE), ROTATE_AT);
  }

  /** Appends {@code entry} as the next number (its own sequence is ignored); returns that. */
  public synchronized long append(AgentAuditEntry entry) {
    long sequence = last.get() + 1;
    lines.append(entry.toBuilder().setSequence(sequence).build());
    last.set(sequence);
    return sequence;
  }

  /**
   * The entries numbered above {@code afterSequence}, oldest first, at most {@code limit} (0:
   * {@value #DEFAULT_LIMIT}), and the newest number written.
   *
   * @param limit a proto uint32 as the number it is (see {@link Ranges#unsigned})
   * @throws RaidvmException INVALID_ARGUMENT for a limit above {@value #MAX_LIMIT}
   */
  public ReadAuditResponse read(long afterSequence, long limit) {
    int most = (int) Ranges.orDefault("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT, "entries");
    ReadAuditResponse.Builder page = ReadAuditResponse.newBuilder();
    synchronized (this) {
      page.setLastSequence(last.get());
      if (Long.compareUnsigned(afterSequence, last.get()) >= 0) {
        return page.build(); // Nothing new: the controller asks every 30 s; no file is read.
      }
      try {
        lines.scan(entry -> {
          if (Long.compareUnsigned(entry.getSequence(), afterSequence) > 0) {
            page.addEntries(entry);
          }
          return page.getEntriesCount() < most;
        });
      } catch (IOException e) {
        throw RaidvmException.unavailable("cannot read the audit trail %s: %s", lines.file(), e);
      }
    }
    return page.build();
  }
}
