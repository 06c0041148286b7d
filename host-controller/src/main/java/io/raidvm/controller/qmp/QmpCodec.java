package io.raidvm.controller.qmp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raidvm.common.error.RaidvmException;

/** QMP's wire format, one JSON object per line. Pure: no I/O. */
public final class QmpCodec {

  private static final ObjectMapper JSON = new ObjectMapper();

  private QmpCodec() {}

  /** A command line (with its newline); {@code arguments} may be null. */
  public static String command(String id, String execute, JsonNode arguments) {
    ObjectNode node = JSON.createObjectNode().put("execute", execute).put("id", id);
    if (arguments != null && !arguments.isEmpty()) {
      node.set("arguments", arguments);
    }
    return node.toString() + "\n";
  }

  /** Reads one line QEMU sent. */
  public static QmpMessage parse(String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw malformed(line);
    }
    if (node == null || !node.isObject()) {
      throw malformed(line);
    }
    String id = node.hasNonNull("id") ? node.get("id").asText() : null;
    if (node.has("QMP")) {
      return new QmpMessage.Greeting(node.get("QMP"));
    }
    if (node.has("return")) {
      return new QmpMessage.Return(id, node.get("return"));
    }
    if (node.has("error")) {
      JsonNode error = node.get("error");
      return new QmpMessage.Error(id, error.path("class").asText(), error.path("desc").asText());
    }
    if (node.has("event")) {
      JsonNode ts = node.path("timestamp");
      long micros = ts.path("seconds").asLong() * 1_000_000L + ts.path("microseconds").asLong();
      JsonNode data = node.has("data") ? node.get("data") : MissingNode.getInstance();
      return new QmpMessage.Event(node.get("event").asText(), data, micros);
    }
    throw malformed(line);
  }

  private static RaidvmException malformed(String line) {
    return RaidvmException.internal("QEMU sent a line that is not QMP: " + line.strip(), null);
  }
}
