package io.raidvm.controller.disk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raidvm.common.error.RaidvmException;

/** What {@code qemu-img info --output=json} says about an image file. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageInfo(
    @JsonProperty("filename") String filename,
    @JsonProperty("format") String format,
    @JsonProperty("virtual-size") long virtualSize,
    @JsonProperty("actual-size") long actualSize,
    @JsonProperty("dirty-flag") boolean dirty,
    @JsonProperty("full-backing-filename") String backingFile) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Parses qemu-img's JSON; pure. */
  public static ImageInfo parse(String json) {
    try {
      return JSON.readValue(json, ImageInfo.class);
    } catch (JsonProcessingException e) {
      throw RaidvmException.internal("cannot read qemu-img info output: "
          + e.getOriginalMessage(), e);
    }
  }
}
