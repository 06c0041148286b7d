package io.raidvm.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.ToolException;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusesTest {

  @Test
  void toStatus_mapsEachKindToItsCode_withTheMessageAsDescription() {
    for (RaidvmException.Kind kind : RaidvmException.Kind.values()) {
      StatusRuntimeException s = Statuses.toStatus(new RaidvmException(kind, "because"));
      assertEquals(kind.name(), s.getStatus().getCode().name());
      assertEquals("because", s.getStatus().getDescription());
    }
  }

  @Test
  void toStatus_keepsTheToolsStderrInTheDescription() {
    StatusRuntimeException s = Statuses.toStatus(new ToolException(
        RaidvmException.Kind.FAILED_PRECONDITION, List.of("mdadm", "--create"), 1,
        "mdadm: /dev/sdb1 is busy\n"));
    assertEquals(Status.Code.FAILED_PRECONDITION, s.getStatus().getCode());
    assertEquals("mdadm failed (exit 1): mdadm: /dev/sdb1 is busy [command: mdadm --create]",
        s.getStatus().getDescription());
  }

  @Test
  void toStatus_turnsUnexpectedExceptionsIntoInternal_withoutAStackTrace() {
    StatusRuntimeException s = Statuses.toStatus(new IllegalStateException("boom"));
    assertEquals(Status.Code.INTERNAL, s.getStatus().getCode());
    assertEquals("internal error: IllegalStateException: boom", s.getStatus().getDescription());
  }

  @Test
  void toStatus_givesAReadableDescription_withoutEscapesAndWithin2KiB() {
    StatusRuntimeException s = Statuses.toStatus(RaidvmException.unavailable(
        "VM 'a' did not answer. Last lines:%n\u001B[1;31mKernel panic\u001B[0m%s",
        "!".repeat(5000)));
    String d = s.getStatus().getDescription();
    assertTrue(d.startsWith("VM 'a' did not answer. Last lines:\nKernel panic!!!"), d);
    assertTrue(d.length() <= 2048, "length " + d.length());
  }
}
