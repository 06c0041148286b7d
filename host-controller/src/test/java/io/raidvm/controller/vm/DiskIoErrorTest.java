package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.controller.qmp.QmpCodec;
import io.raidvm.controller.qmp.QmpMessage;
import org.junit.jupiter.api.Test;

class DiskIoErrorTest {

  private static DiskIoError of(String line) {
    return DiskIoError.of(((QmpMessage.Event) QmpCodec.parse(line)).data());
  }

  @Test
  void blockdevDisk_isNamedByItsNode() {
    assertEquals(new DiskIoError("d2", "write: No space left on device"), of("{\"event\":"
        + " \"BLOCK_IO_ERROR\", \"data\": {\"device\": \"\", \"node-name\": \"d2\", \"operation\":"
        + " \"write\", \"action\": \"report\", \"nospace\": true, \"reason\": \"No space left on"
        + " device\"}, \"timestamp\": {\"seconds\": 1795611600, \"microseconds\": 1}}"));
  }

  @Test
  void withoutNodeName_theDeviceNamesIt() {
    // The example of QEMU's qapi/block-core.json.
    assertEquals(new DiskIoError("ide0-hd1", "write: No space left on device"), of("{ \"event\":"
        + " \"BLOCK_IO_ERROR\", \"data\": { \"device\": \"ide0-hd1\", \"operation\": \"write\","
        + " \"action\": \"stop\", \"reason\": \"No space left on device\" }, \"timestamp\":"
        + " { \"seconds\": 1265044230, \"microseconds\": 450486 } }"));
  }
}
