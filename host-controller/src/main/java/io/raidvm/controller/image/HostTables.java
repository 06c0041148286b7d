package io.raidvm.controller.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raidvm.common.error.RaidvmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's loop devices ({@code losetup -J}) and mounts ({@code findmnt -J}), read from the
 * tools' JSON: what the kernel holds now, whatever a build record says it meant to take. Pure.
 */
final class HostTables {

  /** A loop device and the file behind it (without the " (deleted)" losetup adds to an unlinked one). */
  record Loop(String device, String backingFile) {}

  private static final String DELETED = " (deleted)";
  private static final ObjectMapper JSON = new ObjectMapper();

  private HostTables() {}

  /** Every loop device in {@code losetup -J}'s output; nothing when it printed nothing. */
  static List<Loop> loops(String json) {
    List<Loop> loops = new ArrayList<>();
    for (JsonNode d : read(json, "losetup -J").path("loopdevices")) {
      String file = d.path("back-file").asText("");
      if (file.endsWith(DELETED)) {
        file = file.substring(0, file.length() - DELETED.length());
      }
      loops.add(new Loop(d.path("name").asText(), file));
    }
    return loops;
  }

  /** Every mount point in {@code findmnt -J}'s tree, parents before their children. */
  static List<String> mountPoints(String json) {
    List<String> targets = new ArrayList<>();
    collect(read(json, "findmnt -J").path("filesystems"), targets);
    return targets;
  }

  private static void collect(JsonNode filesystems, List<String> targets) {
    for (JsonNode fs : filesystems) {
      targets.add(fs.path("target").asText());
      collect(fs.path("children"), targets);
    }
  }

  private static JsonNode read(String json, String tool) {
    if (json.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw RaidvmException.internal("cannot read the output of " + tool + ": "
          + e.getOriginalMessage(), e);
    }
  }
}
