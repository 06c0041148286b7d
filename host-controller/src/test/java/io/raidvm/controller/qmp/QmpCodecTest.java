package io.raidvm.controller.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.controller.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** On the lines a real QEMU 7.2 sent (fixtures/qmp/session-qemu-7.2.jsonl). */
class QmpCodecTest {

  private final List<String> session = Fixtures.read("qmp/session-qemu-7.2.jsonl").lines()
      .toList();

  @Test
  void parse_greeting_keepsVersion() {
    var greeting = assertInstanceOf(QmpMessage.Greeting.class, QmpCodec.parse(session.get(0)));
    assertEquals(7, greeting.qmp().path("version").path("qemu").path("major").asInt());
  }

  @Test
  void parse_emptyReturn_carriesItsId() {
    var ret = assertInstanceOf(QmpMessage.Return.class, QmpCodec.parse(session.get(1)));
    assertEquals("c1", ret.id());
    assertEquals(0, ret.value().size());
  }

  @Test
  void parse_queryStatusReturn_readsStatus() {
    var ret = assertInstanceOf(QmpMessage.Return.class, QmpCodec.parse(session.get(2)));
    assertEquals("c2", ret.id());
    assertEquals("running", ret.value().path("status").asText());
  }

  @Test
  void parse_queryChardev_showsAgentPortClosed() {
    var ret = assertInstanceOf(QmpMessage.Return.class, QmpCodec.parse(session.get(3)));
    var agent = ret.value().get(1);
    assertEquals("agent0", agent.path("label").asText());
    assertEquals(false, agent.path("frontend-open").asBoolean());
  }

  @Test
  void parse_error_readsClassAndDescription() {
    var error = assertInstanceOf(QmpMessage.Error.class, QmpCodec.parse(session.get(4)));
    assertEquals(new QmpMessage.Error("c4", "CommandNotFound",
        "The command no-such-command has not been found"), error);
  }

  @Test
  void parse_powerdownEvent_arrivesBeforeItsCommandsReturn() {
    var event = assertInstanceOf(QmpMessage.Event.class, QmpCodec.parse(session.get(6)));
    assertEquals("POWERDOWN", event.name());
    assertEquals(1795610470343210L, event.timestampMicros());
    assertEquals(true, event.data().isMissingNode());
    var ret = assertInstanceOf(QmpMessage.Return.class, QmpCodec.parse(session.get(7)));
    assertEquals("c6", ret.id());
  }

  @Test
  void parse_shutdownEvent_readsGuestAndReason() {
    var event = assertInstanceOf(QmpMessage.Event.class, QmpCodec.parse(session.get(8)));
    assertEquals("SHUTDOWN", event.name());
    assertEquals(false, event.data().path("guest").asBoolean());
    assertEquals("host-qmp-quit", event.data().path("reason").asText());
  }

  @Test
  void parse_lineThatIsNotQmp_failsWithInternal() {
    var e = assertThrows(RaidvmException.class, () -> QmpCodec.parse("{\"foo\": 1}"));
    assertEquals("QEMU sent a line that is not QMP: {\"foo\": 1}", e.getMessage());
  }

  @Test
  void command_withoutArguments_isOneLineWithExecuteAndId() {
    assertEquals("{\"execute\":\"query-status\",\"id\":\"c7\"}\n",
        QmpCodec.command("c7", "query-status", null));
  }

  @Test
  void command_withArguments_nestsThem() throws Exception {
    var args = new ObjectMapper().readTree("{\"id\":\"disk-d5\"}");
    assertEquals("{\"execute\":\"device_del\",\"id\":\"c8\",\"arguments\":{\"id\":\"disk-d5\"}}\n",
        QmpCodec.command("c8", "device_del", args));
  }
}
