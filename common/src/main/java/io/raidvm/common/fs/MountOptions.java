package io.raidvm.common.fs;

import io.raidvm.common.error.RaidvmException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Mount options callers may give, one per entry: plain words and {@code key=value}, nothing
 * that mount or an fstab line would read as a separator (a comma, a space) or a path trick.
 */
public final class MountOptions {

  private static final Pattern OPTION = Pattern.compile("[A-Za-z0-9._=:+-]+");

  private MountOptions() {}

  /** The options as given, or INVALID_ARGUMENT naming the first that is not one option. */
  public static List<String> require(List<String> options) {
    for (String option : options) {
      if (!OPTION.matcher(option).matches()) {
        throw RaidvmException.invalidArgument("mount option '%s' is not valid: give one option"
            + " per entry, such as noatime or commit=30", option);
      }
    }
    return options;
  }
}
