package io.raidvm.common;

import io.raidvm.common.error.RaidvmException;
import java.util.regex.Pattern;

/** Names of VMs and disks: short, lower-case, safe in paths, QEMU ids and disk serials. */
public final class Names {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private Names() {}

  /** Returns the name, or fails with INVALID_ARGUMENT saying what a name may be. */
  public static String require(String what, String name) {
    if (name == null || name.isEmpty()) {
      throw RaidvmException.invalidArgument("%s name is missing", what);
    }
    if (!NAME.matcher(name).matches()) {
      throw RaidvmException.invalidArgument("%s name '%s' is not valid: use 1 to 63 characters"
          + " a-z, 0-9 and '-', starting with a letter or digit", what, name);
    }
    return name;
  }
}
