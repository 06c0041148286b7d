package io.raidvm.agent.block;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import java.time.Duration;
import java.util.List;

/** How the agent asks lsblk for the block devices, and the pure parser of its JSON answer. */
final class Lsblk {

  static final Command LIST = Command.of("lsblk", "-J", "-b", "-o",
      "NAME,KNAME,PATH,SIZE,TYPE,VENDOR,MODEL,SERIAL,FSTYPE,UUID,LABEL,MOUNTPOINTS,RO,PKNAME,HCTL")
      .withTimeout(Duration.ofSeconds(30));

  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private Lsblk() {}

  private record Output(List<LsblkDevice> blockdevices) {}

  /** The top-level devices of {@code lsblk -J} output, each with its children. */
  static List<LsblkDevice> parse(String json) {
    try {
      Output output = JSON.readValue(json, Output.class);
      if (output.blockdevices() == null) {
        throw RaidvmException.internal("lsblk printed no \"blockdevices\": " + json.strip(), null);
      }
      return List.copyOf(output.blockdevices());
    } catch (JsonProcessingException e) {
      throw RaidvmException.internal("cannot read lsblk output: " + e.getOriginalMessage(), e);
    }
  }
}
