package io.raidvm.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ControllerOptionsTest {

  @Test
  void parse_withoutFlags_usesVarLibRaidvmAndPathsInsideIt() throws Exception {
    ControllerOptions o = ControllerOptions.parse();
    assertEquals(Path.of("/var/lib/raidvm"), o.stateDir());
    assertEquals(Path.of("/var/lib/raidvm/images"), o.imageDir());
    assertEquals(Path.of("/var/lib/raidvm/controller.sock"), o.socket());
  }

  @Test
  void parse_withStateDir_derivesImageDirAndSocketFromIt() throws Exception {
    ControllerOptions o = ControllerOptions.parse("--state-dir", "/tmp/s");
    assertEquals(Path.of("/tmp/s/images"), o.imageDir());
    assertEquals(Path.of("/tmp/s/controller.sock"), o.socket());
  }

  @Test
  void parse_withEqualsForm_takesEachValue() throws Exception {
    ControllerOptions o = ControllerOptions.parse("--state-dir=/a", "--image-dir=/b",
        "--socket=/c.sock");
    assertEquals(new ControllerOptions(Path.of("/a"), Path.of("/b"), Path.of("/c.sock")), o);
  }

  @Test
  void parse_withUnknownFlag_failsNamingIt() {
    var e = assertThrows(ControllerOptions.UsageException.class,
        () -> ControllerOptions.parse("--accel", "kvm"));
    assertEquals("unknown option --accel", e.getMessage());
  }

  @Test
  void parse_withFlagMissingItsValue_failsSayingSo() {
    var e = assertThrows(ControllerOptions.UsageException.class,
        () -> ControllerOptions.parse("--socket"));
    assertEquals("--socket needs a value", e.getMessage());
  }
}
