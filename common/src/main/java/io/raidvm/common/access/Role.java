package io.raidvm.common.access;

import io.raidvm.common.error.RaidvmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a caller may do on the controller; each role may do what the roles below it may. */
public enum Role {
  /** Reads, watches, consoles. */
  VIEWER,
  /** Also changes that keep all data: create, start, provision, mount, scrub, config edits. */
  OPERATOR,
  /** Everything: also what destroys or overwrites data, power, and guest images. */
  ADMIN;

  /** Whether this role may make a call that needs {@code needed}. */
  public boolean allows(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** How it is written in the roles file, in audit lines and messages: "operator". */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role written {@code label}, e.g. "admin". */
  public static Role parse(String label) {
    for (Role role : values()) {
      if (role.label().equals(label)) {
        return role;
      }
    }
    throw RaidvmException.invalidArgument("unknown role '%s': one of %s", label,
        Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", ")));
  }
}
