package io.raidvm.controller.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.common.access.Role;
import io.raidvm.common.error.RaidvmException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RolesFileTest {

  private static final RolesFile ROLES = RolesFile.parse("""
      # TLS clients
      CN=ops-bot   operator

      DNS:backup.example viewer
      URI:spiffe://lab/admin admin
      """, "roles");

  @Test
  void aSubjectsCommonName_getsItsRole() {
    assertEquals(Caller.of("CN=ops-bot", Role.OPERATOR),
        ROLES.callerOf(List.of("CN=ops-bot", "DNS:ops-bot")));
  }

  @Test
  void aDnsOrUriSan_getsItsRole() {
    assertEquals(Caller.of("DNS:backup.example", Role.VIEWER),
        ROLES.callerOf(List.of("CN=backup", "DNS:backup.example")));
    assertEquals(Caller.of("URI:spiffe://lab/admin", Role.ADMIN),
        ROLES.callerOf(List.of("CN=x", "URI:spiffe://lab/admin")));
  }

  @Test
  void aCertificateNoLineNames_hasNoRole_andIsShownByItsSubject() {
    Caller caller = ROLES.callerOf(List.of("CN=stranger", "DNS:stranger"));
    assertEquals(Optional.empty(), caller.role());
    assertEquals("CN=stranger", caller.name());
  }

  @Test
  void theFirstMatchingLine_wins() {
    assertEquals(Role.OPERATOR, ROLES.callerOf(List.of("CN=ops-bot", "DNS:backup.example"))
        .role().orElseThrow());
  }

  @Test
  void mistakes_areRefusedNamingTheFileAndLine() {
    assertEquals("roles line 2: unknown role 'boss': one of viewer, operator, admin",
        refusal("CN=a viewer\nCN=b boss\n"));
    assertEquals("roles line 1: expected 'NAME ROLE' (e.g. 'CN=ops-bot operator'), got"
        + " 'CN=a'", refusal("CN=a\n"));
    assertEquals("roles line 1: 'ops-bot' is not CN=<name>, DNS:<name> or URI:<uri>",
        refusal("ops-bot admin\n"));
    assertEquals("roles line 3: CN=a is given a role twice",
        refusal("CN=a viewer\n# again\nCN=a admin\n"));
  }

  private static String refusal(String text) {
    var e = assertThrows(RaidvmException.class, () -> RolesFile.parse(text, "roles"));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    return e.getMessage();
  }
}
