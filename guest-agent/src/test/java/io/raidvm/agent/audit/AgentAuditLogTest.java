package io.raidvm.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.AgentAuditEntry;
import io.raidvm.api.agent.v1.ReadAuditResponse;
import io.raidvm.common.Ranges;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentAuditLogTest {

  @TempDir
  Path root;

  private static AgentAuditEntry call(String device) {
    return AgentAuditEntry.newBuilder().setRpc("raidvm.agent.v1.Raid/FailMember")
        .setRequest("{\"device\":\"" + device + "\"}").setCode("OK").build();
  }

  private static List<Long> numbers(ReadAuditResponse page) {
    return page.getEntriesList().stream().map(AgentAuditEntry::getSequence).toList();
  }

  @Test
  void numbers_goOnAfterTheHighestKept_whenTheAgentStartsAgain() throws Exception {
    AgentAuditLog first = AgentAuditLog.in(root);
    first.append(call("d1"));
    first.append(call("d2"));
    Files.writeString(root.resolve(AgentAuditLog.FILE), "{\"sequence\":\"3\",\"rpc\":\"cut",
        StandardOpenOption.APPEND);

    AgentAuditLog again = AgentAuditLog.in(root);

    assertEquals(3, again.append(call("d3")));
    assertEquals(List.of(1L, 2L, 3L), numbers(again.read(0, 0)));
    assertEquals("{\"device\":\"d3\"}", again.read(2, 0).getEntries(0).getRequest());
  }

  @Test
  void aFullFile_isRotatedOnce_soTheOldestGo_andBothPartsAreRead() throws Exception {
    Path file = root.resolve("audit.jsonl");
    AgentAuditLog log = new AgentAuditLog(file, 300);
    for (int i = 1; i <= 12; i++) {
      log.append(call("d" + i));
    }

    assertTrue(Files.size(file.resolveSibling("audit.jsonl.1")) >= 300);
    List<Long> kept = numbers(log.read(0, 0));
    assertEquals(12L, kept.get(kept.size() - 1));
    assertTrue(kept.get(0) > 1, "the oldest are gone: " + kept);
    assertEquals(LongStream.rangeClosed(kept.get(0), 12).boxed().toList(), kept);
    assertEquals(12, log.read(0, 0).getLastSequence());
  }

  @Test
  void read_pagesAfterASequence_upToTheLimit() {
    AgentAuditLog log = AgentAuditLog.in(root);
    for (int i = 1; i <= 5; i++) {
      log.append(call("d" + i));
    }

    ReadAuditResponse page = log.read(1, 2);
    assertEquals(List.of(2L, 3L), numbers(page));
    assertEquals(5, page.getLastSequence());
    assertEquals(List.of(4L, 5L), numbers(log.read(3, 0)));
    assertEquals(List.of(), numbers(log.read(5, 0)));
  }

  @Test
  void aLimitOutOfRange_isRefusedNamingTheRange() {
    AgentAuditLog log = AgentAuditLog.in(root);
    for (long limit : new long[] {1001, Ranges.unsigned(-1)}) {
      var e = assertThrows(RaidvmException.class, () -> log.read(0, limit));
      assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
      assertEquals("limit " + limit + " entries is out of range: give 1 to 1000 entries, or 0"
          + " for 100 entries", e.getMessage());
    }
  }
}
