package io.raidvm.controller.vm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What QMP's BLOCK_IO_ERROR says: the disk (our block node is named after the disk; the device
 * name is empty for -blockdev disks) and "operation: reason".
 */
record DiskIoError(String disk, String detail) {

  static DiskIoError of(JsonNode data) {
    String node = data.path("node-name").asText();
    return new DiskIoError(node.isEmpty() ? data.path("device").asText() : node,
        data.path("operation").asText() + ": " + data.path("reason").asText());
  }
}
