package io.raidvm.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "vm1", "d-1", "0abc", "x23456789012345678901234567890123456789012345678901234567890123"})
  void require_acceptsShortLowerCaseNames(String name) {
    assertEquals(name, Names.require("VM", name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-a", "A", "vm_1", "../etc", "a/b", "a b", "vm;rm", "é",
      "x234567890123456789012345678901234567890123456789012345678901234"})
  void require_rejectsEverythingElseWithInvalidArgument(String name) {
    RaidvmException e = assertThrows(RaidvmException.class, () -> Names.require("VM", name));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains("VM name"), e.getMessage());
  }

  @Test
  void require_saysWhenTheNameIsMissing() {
    RaidvmException e = assertThrows(RaidvmException.class, () -> Names.require("disk", ""));
    assertEquals("disk name is missing", e.getMessage());
  }
}
