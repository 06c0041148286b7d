package io.raidvm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {

  @Test
  void noArguments_giveThePortDeviceAndThePrivateSocket() {
    assertEquals(new AgentOptions(Path.of("/dev/virtio-ports/io.raidvm.agent.0"),
        Path.of("/run/raidvm-agent/agent.sock")), AgentOptions.parse());
  }

  @Test
  void bothSpellings_areAccepted() {
    assertEquals(new AgentOptions(Path.of("/tmp/port"), Path.of("/tmp/a.sock")),
        AgentOptions.parse("--port", "/tmp/port", "--socket=/tmp/a.sock"));
  }

  @Test
  void unknownOption_isRejectedWithUsage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AgentOptions.parse("--verbose"));

    assertEquals("unknown option --verbose; " + AgentOptions.USAGE, e.getMessage());
  }

  @Test
  void optionWithoutValue_isRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AgentOptions.parse("--port"));

    assertEquals("--port needs a value; " + AgentOptions.USAGE, e.getMessage());
  }
}
