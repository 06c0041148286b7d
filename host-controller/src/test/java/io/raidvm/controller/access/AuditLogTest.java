package io.raidvm.controller.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.util.Timestamps;
import io.raidvm.api.controller.v1.AuditEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

  @TempDir
  Path dir;

  private static AuditEntry entry(String vm, int minute) {
    return AuditEntry.newBuilder().setVm(vm).setRpc("raidvm.agent.v1.Raid/FailMember")
        .setTime(Timestamps.fromMillis(Instant.parse("2026-12-01T10:00:00Z")
            .plusSeconds(60L * minute).toEpochMilli()))
        .setCode("OK").build();
  }

  @Test
  void list_filtersByVmAndTime_andKeepsTheNewestOldestFirst() {
    AuditLog log = new AuditLog(dir);
    for (int minute = 0; minute < 6; minute++) {
      log.append(entry(minute % 2 == 0 ? "a" : "b", minute));
    }
    assertEquals(List.of(entry("a", 2), entry("a", 4)),
        log.list("a", Optional.of(Instant.parse("2026-12-01T10:01:00Z")), 0));
    assertEquals(List.of(entry("a", 4), entry("b", 5)), log.list("", Optional.empty(), 2));
  }

  @Test
  void aFullFile_isRotatedOnce_andBothPartsAreRead() throws Exception {
    AuditLog log = new AuditLog(dir.resolve("audit.jsonl"), 200);
    for (int minute = 0; minute < 4; minute++) {
      log.append(entry("a", minute));
    }
    Files.writeString(dir.resolve("audit.jsonl"), "not json\n",
        java.nio.file.StandardOpenOption.APPEND);
    assertEquals(List.of(entry("a", 2), entry("a", 3)), log.list("a", Optional.empty(), 2));
    assertEquals(1, Files.readAllLines(dir.resolve("audit.jsonl.1")).size() > 0 ? 1 : 0);
  }

  @Test
  void aLimitAboveTheRange_isRefusedNamingTheRange_evenAbove2To31() {
    AuditLog log = new AuditLog(dir);
    var e = org.junit.jupiter.api.Assertions.assertThrows(
        io.raidvm.common.error.RaidvmException.class,
        () -> log.list("", Optional.empty(), io.raidvm.common.Ranges.unsigned(-1)));
    assertEquals(io.raidvm.common.error.RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("limit 4294967295 entries is out of range: give 1 to 10000 entries, or 0 for"
        + " 100 entries", e.getMessage());
  }
}
