package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtraPackagesTest {

  @Test
  void withRecipe_appendsNewNamesOnce_andKeepsTheRecipesOrder() {
    List<String> expected = new ArrayList<>(Recipe.PACKAGES);
    expected.addAll(List.of("qemu-guest-agent", "libstdc++6", "g++-12"));

    assertEquals(expected, ExtraPackages.withRecipe(
        List.of("qemu-guest-agent", "mdadm", "libstdc++6", "qemu-guest-agent", "g++-12")));
    assertEquals(Recipe.PACKAGES, ExtraPackages.withRecipe(List.of()));
  }

  @Test
  void withRecipe_tooMany_failsWithInvalidArgument() {
    RaidvmException e = assertThrows(RaidvmException.class, () -> ExtraPackages.withRecipe(
        Collections.nCopies(ExtraPackages.MAX + 1, "qemu-guest-agent")));

    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains("at most " + ExtraPackages.MAX), e.getMessage());
  }

  @Test
  void withRecipe_notAPackageName_failsWithInvalidArgumentNamingIt() {
    for (String bad : List.of("", "-x", ".x", "a", "A-b", "a/b", "a:amd64", "a\\nb",
        "x".repeat(65))) {
      RaidvmException e = assertThrows(RaidvmException.class,
          () -> ExtraPackages.withRecipe(List.of("mdadm", bad)), bad);

      assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind(), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}
