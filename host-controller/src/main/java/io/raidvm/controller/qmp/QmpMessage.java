package io.raidvm.controller.qmp;

import com.fasterxml.jackson.databind.JsonNode;

/** One line QEMU's monitor sent. */
public sealed interface QmpMessage {

  /** The first line of a session: QEMU's version and capabilities. */
  record Greeting(JsonNode qmp) implements QmpMessage {}

  /** A command succeeded. {@code id} is the one the command carried (null when it had none). */
  record Return(String id, JsonNode value) implements QmpMessage {}

  /** A command failed. */
  record Error(String id, String errorClass, String description) implements QmpMessage {}

  /** Something happened, e.g. SHUTDOWN, POWERDOWN, VSERPORT_CHANGE. {@code data} may be empty. */
  record Event(String name, JsonNode data, long timestampMicros) implements QmpMessage {}
}
