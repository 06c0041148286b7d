package io.raidvm.controller.image;

import io.raidvm.common.error.RaidvmException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packages a BuildImage request adds to the recipe's. They end up in mmdebstrap's
 * {@code --include=a,b,c}, so each is held to Debian's package name syntax (policy §5.6.1):
 * nothing else — no comma, space, option or version relation — can reach that argument. Pure.
 */
final class ExtraPackages {

  /** Debian policy: lower case letters, digits, '+', '-', '.'; two or more; a letter or digit first. */
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]{1,63}");

  static final int MAX = 32;

  private ExtraPackages() {}

  /**
   * The recipe's packages followed by {@code extra} (without repeats); INVALID_ARGUMENT naming
   * the first name that is not a Debian package name.
   */
  static List<String> withRecipe(List<String> extra) {
    if (extra.size() > MAX) {
      throw RaidvmException.invalidArgument("%d extra packages asked for; at most %d",
          extra.size(), MAX);
    }
    for (String name : extra) {
      if (!NAME.matcher(name).matches()) {
        throw RaidvmException.invalidArgument("extra package '%s' is not a Debian package name"
            + " (lower case letters, digits, '+', '-', '.'; a letter or digit first; 2 to 64"
            + " characters), e.g. qemu-guest-agent", name);
      }
    }
    return new ArrayList<>(Stream.concat(Recipe.PACKAGES.stream(), extra.stream())
        .distinct().toList());
  }
}
