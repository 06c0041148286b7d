package io.raidvm.controller.access;

import io.raidvm.common.access.Role;
import java.util.Optional;

/**
 * Who makes a call — "CN=ops-bot", "DNS:backup.example", "uid=1000(alice)" — and the role they
 * have, if any.
 */
public record Caller(String name, Optional<Role> role) {

  public static Caller of(String name, Role role) {
    return new Caller(name, Optional.of(role));
  }

  public static Caller withoutRole(String name) {
    return new Caller(name, Optional.empty());
  }

  /** "operator", or "no role". */
  public String roleLabel() {
    return role.map(Role::label).orElse("no role");
  }
}
