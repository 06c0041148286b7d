package io.raidvm.controller.access;

import com.google.protobuf.util.Timestamps;
import io.raidvm.api.controller.v1.AuditEntry;
import io.raidvm.common.Ranges;
import io.raidvm.common.audit.JsonLines;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The audit trail, {@code <state-dir>/audit.jsonl}: one {@link AuditEntry} per line
 * ({@link JsonLines}: forced to disk before the call's result leaves; at {@link #ROTATE_AT} it
 * becomes {@code audit.jsonl.1}). The controller's own lines and the agents' lines it copies
 * ({@link AgentAuditPull}) are in the same file, so a VM's history stays after the VM is gone.
 */
public final class AuditLog {

  public static final long ROTATE_AT = 16L << 20;
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 10_000;

  private final JsonLines<AuditEntry> lines;

  public AuditLog(Path stateDir) {
    this(stateDir.resolve("audit.jsonl"), ROTATE_AT);
  }

  AuditLog(Path file, long rotateAt) {
    this.lines = new JsonLines<>(file, rotateAt, AuditEntry::newBuilder);
  }

  /** Appends one line; a failure is logged (the call it records has happened regardless). */
  public void append(AuditEntry entry) {
    lines.append(entry);
  }

  /**
   * The newest {@code limit} entries (0: {@value #DEFAULT_LIMIT}) about {@code vm} (empty: all)
   * that started at or after {@code since}, oldest first.
   *
   * @param limit a proto uint32 as the number it is (see {@link Ranges#unsigned})
   * @throws RaidvmException INVALID_ARGUMENT for a limit above {@value #MAX_LIMIT}
   */
  public List<AuditEntry> list(String vm, Optional<Instant> since, long limit) {
    int kept = entries(limit);
    Deque<AuditEntry> newest = new ArrayDeque<>();
    try {
      lines.scan(entry -> {
        if (matches(entry, vm, since)) {
          newest.addLast(entry);
          if (newest.size() > kept) {
            newest.removeFirst();
          }
        }
        return true;
      });
    } catch (IOException e) {
      throw RaidvmException.unavailable("cannot read the audit trail %s: %s", lines.file(), e);
    }
    return new ArrayList<>(newest);
  }

  /**
   * How many entries a read of {@code limit} keeps.
   *
   * @throws RaidvmException INVALID_ARGUMENT for a limit above {@value #MAX_LIMIT}
   */
  public static int entries(long limit) {
    return (int) Ranges.orDefault("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT, "entries");
  }

  private static boolean matches(AuditEntry entry, String vm, Optional<Instant> since) {
    if (!vm.isEmpty() && !vm.equals(entry.getVm())) {
      return false;
    }
    return since.isEmpty() || !Instant.ofEpochMilli(Timestamps.toMillis(entry.getTime()))
        .isBefore(since.get());
  }
}
