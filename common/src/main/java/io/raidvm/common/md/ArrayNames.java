package io.raidvm.common.md;

import io.raidvm.common.error.RaidvmException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names of md arrays as callers give them: "md127" or "/dev/md127". */
public final class ArrayNames {

  private static final Pattern ARRAY = Pattern.compile("(?:/dev/)?(md(?:0|[1-9][0-9]{0,6}))");

  private ArrayNames() {}

  /** The kernel name ("md127"), or INVALID_ARGUMENT saying what a name may be. */
  public static String require(String ref) {
    if (ref == null || ref.isEmpty()) {
      throw RaidvmException.invalidArgument("array name is missing: give md<N> or /dev/md<N>,"
          + " e.g. md127");
    }
    Matcher m = ARRAY.matcher(ref);
    if (!m.matches()) {
      throw RaidvmException.invalidArgument("array name '%s' is not valid: give md<N> or"
          + " /dev/md<N>, e.g. md127", ref);
    }
    return m.group(1);
  }
}
