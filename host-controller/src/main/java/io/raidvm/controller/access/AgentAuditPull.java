package io.raidvm.controller.access;

import io.grpc.Channel;
import io.raidvm.api.agent.v1.AgentAuditEntry;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.ReadAuditRequest;
import io.raidvm.api.agent.v1.ReadAuditResponse;
import io.raidvm.api.controller.v1.AuditEntry;
import io.raidvm.common.fs.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Copies one VM's agent audit trail (GuestAgent.ReadAudit) into the controller's
 * {@link AuditLog}, marked origin "agent" and the VM's name, so that the VM's history outlives the
 * VM. Each agent line is copied once: the number of the last one copied (the cursor) is kept in
 * the VM's folder ({@code VmPaths.agentAuditCursor}), written after each line, so a controller
 * that restarts goes on where it stopped. (A controller killed between a line and its cursor
 * copies that one line again, with the same {@code agent_sequence}.) An agent whose newest number
 * is below the cursor has begun its trail again (its files were removed): the copy starts over.
 */
public final class AgentAuditPull {

  private static final Logger LOG = Logger.getLogger(AgentAuditPull.class.getName());
  static final String ORIGIN = "agent";
  /** The most the agent gives in one answer. */
  static final int PAGE = 1000;

  private final String vm;
  private final Path cursorFile;
  private final AuditLog log;
  private long cursor;

  public AgentAuditPull(String vm, Path cursorFile, AuditLog log) {
    this.vm = vm;
    this.cursorFile = cursorFile;
    this.log = log;
    this.cursor = readCursor(cursorFile);
  }

  /**
   * Copies the lines the agent has beyond the cursor.
   *
   * @return how many were copied
   * @throws io.grpc.StatusRuntimeException when the agent does not answer
   */
  public synchronized int pull(Channel agent, Duration deadline) {
    int copied = 0;
    while (true) {
      ReadAuditResponse page = GuestAgentGrpc.newBlockingStub(agent)
          .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .readAudit(ReadAuditRequest.newBuilder().setAfterSequence(cursor).setLimit(PAGE)
              .build());
      if (Long.compareUnsigned(page.getLastSequence(), cursor) < 0) {
        LOG.warning(() -> "VM " + vm + ": the agent's audit trail ends at "
            + page.getLastSequence() + ", before line " + cursor
            + " copied last: it was begun again; copying it from its start");
        store(0);
        continue;
      }
      for (AgentAuditEntry entry : page.getEntriesList()) {
        if (Long.compareUnsigned(entry.getSequence(), cursor) > 0) {
          log.append(copy(entry));
          store(entry.getSequence());
          copied++;
        }
      }
      if (page.getEntriesCount() == 0
          || Long.compareUnsigned(cursor, page.getLastSequence()) >= 0) {
        return copied;
      }
    }
  }

  private AuditEntry copy(AgentAuditEntry entry) {
    return AuditEntry.newBuilder()
        .setTime(entry.getTime())
        .setCaller(entry.getCaller())
        .setVm(vm)
        .setRpc(entry.getRpc())
        .setRequest(entry.getRequest())
        .setCode(entry.getCode())
        .setMessage(entry.getMessage())
        .setDurationMs(entry.getDurationMs())
        .setOrigin(ORIGIN)
        .setAgentSequence(entry.getSequence())
        .setRequestId(entry.getRequestId())
        .build();
  }

  private void store(long sequence) {
    AtomicFiles.write(cursorFile, Long.toUnsignedString(sequence) + "\n");
    cursor = sequence;
  }

  /** The cursor kept; 0 when there is none yet, or (logged) when it cannot be read. */
  private long readCursor(Path file) {
    try {
      return Long.parseUnsignedLong(Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException | NumberFormatException e) {
      LOG.warning(() -> "VM " + vm + ": cannot read " + file + " (" + e
          + "): copying the agent's audit trail from its start");
      return 0;
    }
  }
}
