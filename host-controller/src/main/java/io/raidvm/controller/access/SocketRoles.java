package io.raidvm.controller.access;

import io.raidvm.common.access.Role;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The roles of Unix socket clients, by the user the kernel names: root is admin; members of the
 * operator group ({@code --operator-group}) operators; members of the viewer group
 * ({@code --viewer-group}) viewers; anyone else has no role.
 */
public final class SocketRoles {

  private final OptionalInt operatorGroup;
  private final OptionalInt viewerGroup;
  private final Supplier<UnixAccounts> accounts;

  /** {@code accounts} is read for each caller, so changes to the files count at once. */
  public SocketRoles(OptionalInt operatorGroup, OptionalInt viewerGroup,
      Supplier<UnixAccounts> accounts) {
    this.operatorGroup = operatorGroup;
    this.viewerGroup = viewerGroup;
    this.accounts = accounts;
  }

  /** Only root has a role (admin). */
  public static SocketRoles rootOnly() {
    return new SocketRoles(OptionalInt.empty(), OptionalInt.empty(),
        () -> new UnixAccounts("root:x:0:0::/root:/bin/sh\n", ""));
  }

  /** The caller with user id {@code uid} and primary group {@code gid}. */
  public Caller callerOf(int uid, int gid) {
    UnixAccounts known = accounts.get();
    String name = "uid=" + uid + known.userName(uid).map(n -> "(" + n + ")").orElse("");
    if (uid == 0) {
      return Caller.of(name, Role.ADMIN);
    }
    var groups = known.groupsOf(uid, gid);
    if (operatorGroup.isPresent() && groups.contains(operatorGroup.getAsInt())) {
      return Caller.of(name, Role.OPERATOR);
    }
    if (viewerGroup.isPresent() && groups.contains(viewerGroup.getAsInt())) {
      return Caller.of(name, Role.VIEWER);
    }
    return Caller.withoutRole(name);
  }
}
