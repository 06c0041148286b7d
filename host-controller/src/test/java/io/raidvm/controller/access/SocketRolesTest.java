package io.raidvm.controller.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.common.access.Role;
import io.raidvm.common.error.RaidvmException;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SocketRolesTest {

  private static final UnixAccounts ACCOUNTS = new UnixAccounts("""
      root:x:0:0:root:/root:/bin/bash
      alice:x:1000:1000::/home/alice:/bin/bash
      bob:x:1001:1001::/home/bob:/bin/bash
      carol:x:1002:1002::/home/carol:/bin/bash
      """, """
      root:x:0:
      raidops:x:2000:alice
      raidview:x:2001:bob,alice
      carol:x:1002:
      """);

  private static final SocketRoles ROLES = new SocketRoles(
      OptionalInt.of(ACCOUNTS.groupId("raidops")), OptionalInt.of(ACCOUNTS.groupId("raidview")),
      () -> ACCOUNTS);

  @Test
  void root_isAdmin() {
    assertEquals(Caller.of("uid=0(root)", Role.ADMIN), ROLES.callerOf(0, 0));
  }

  @Test
  void aMemberOfTheOperatorGroup_isOperator_evenWhenAlsoAViewer() {
    assertEquals(Caller.of("uid=1000(alice)", Role.OPERATOR), ROLES.callerOf(1000, 1000));
  }

  @Test
  void aMemberOfTheViewerGroup_isViewer_alsoByItsPrimaryGroup() {
    assertEquals(Caller.of("uid=1001(bob)", Role.VIEWER), ROLES.callerOf(1001, 1001));
    assertEquals(Caller.of("uid=4242", Role.VIEWER), ROLES.callerOf(4242, 2001));
  }

  @Test
  void anyoneElse_hasNoRole() {
    assertEquals(Caller.withoutRole("uid=1002(carol)"), ROLES.callerOf(1002, 1002));
  }

  @Test
  void aGroupThatDoesNotExist_isRefusedByName() {
    var e = assertThrows(RaidvmException.class, () -> ACCOUNTS.groupId("nosuch"));
    assertEquals("no group 'nosuch' in /etc/group", e.getMessage());
    assertEquals(2000, ACCOUNTS.groupId("2000"));
  }
}
