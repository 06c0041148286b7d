package io.raidvm.controller.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.controller.Fixtures;
import org.junit.jupiter.api.Test;

class ImageInfoTest {

  @Test
  void parse_freshQcow2_readsSizesAndFormat() {
    ImageInfo info = ImageInfo.parse(Fixtures.read("qemu-img/info-qcow2.json"));
    assertEquals(new ImageInfo("d1.qcow2", "qcow2", 67108864L, 200704L, false, null), info);
  }

  @Test
  void parse_overlay_readsItsBackingFile() {
    ImageInfo info = ImageInfo.parse(Fixtures.read("qemu-img/info-overlay.json"));
    assertEquals("/tmp/cap/d1.qcow2", info.backingFile());
    assertEquals(67108864L, info.virtualSize());
    assertFalse(info.dirty());
  }

  @Test
  void parse_minimalObject_leavesMissingFieldsEmpty() {
    ImageInfo info = ImageInfo.parse("{\"format\":\"raw\",\"virtual-size\":512}");
    assertEquals("raw", info.format());
    assertNull(info.backingFile());
  }

  @Test
  void parse_notJson_failsWithInternal() {
    var e = assertThrows(RaidvmException.class, () -> ImageInfo.parse("qemu-img: oops"));
    assertEquals(RaidvmException.Kind.INTERNAL, e.kind());
  }
}
