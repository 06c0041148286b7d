package io.raidvm.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class ErrorHandlerTest {

  @Test
  void describe_stripsEscapeSequencesAndBoundsTheLength_ofWhatAServerSent() {
    String sent = "VM 'a' ended. Last lines:\n\u001B[2J\u001B[1;31mpanic\u001B[0m\u0007"
        + "x".repeat(5000);
    String shown = ErrorHandler.describe(Status.UNAVAILABLE.withDescription(sent)
        .asRuntimeException());
    assertTrue(shown.startsWith("UNAVAILABLE: VM 'a' ended. Last lines:\npanicxxx"), shown);
    assertTrue(shown.length() <= 2048, "length " + shown.length());
    assertEquals(-1, shown.indexOf('\u001B'));
  }

  @Test
  void exitCode_isSeven_whenTheCallersRoleDoesNotAllowTheCall() {
    assertEquals(7, ErrorHandler.exitCode(Status.PERMISSION_DENIED
        .withDescription("FailMember needs role admin; you (CN=ops-bot) have operator")
        .asRuntimeException()));
  }
}
