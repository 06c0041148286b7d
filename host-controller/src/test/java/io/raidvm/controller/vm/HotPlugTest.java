package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.controller.qmp.QmpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hot-plug sequences against what a real QEMU 7.2 answered (fixtures/qmp/hotplug). */
class HotPlugTest {

  /** Where the capture kept its disks (scripts/capture-qmp-fixtures). */
  private static final Path CAPTURED = Path.of("/tmp/raidvm-qmp-capture/disks");

  @TempDir
  Path dir;

  private interface Steps {
    void run(QmpClient qmp) throws Exception;
  }

  /** Runs {@code steps} on a QMP session with {@code qemu}; asserts it played all, no more. */
  private void played(QmpTranscript qemu, Steps steps) throws Exception {
    try (qemu; QmpClient qmp = QmpClient.connect(dir.resolve("qmp.sock"))) {
      steps.run(qmp);
      qmp.close();
      assertEquals("", qemu.awaitEnd());
    }
  }

  private QmpTranscript play(String name) throws Exception {
    return QmpTranscript.serve(name, dir.resolve("qmp.sock"), Map.of());
  }

  @Test
  void attach_takesTheFirstFreeSlot_andSendsWhatQemuAccepted() throws Exception {
    played(play("hotplug/attach-d2.qmp"), qmp -> assertEquals(
        new DiskDevice("d2", CAPTURED.resolve("d2.qcow2"), 2, "d2", false),
        HotPlug.attach(qmp, new DataDisk("d2", CAPTURED.resolve("d2.qcow2")))));
  }

  @Test
  void attach_whoseQcow2NodeQemuRefuses_removesTheFileNodeItAdded_andSaysWhy() throws Exception {
    try (QmpTranscript qemu = play("hotplug/attach-d3-locked.qmp");
        QmpClient qmp = QmpClient.connect(dir.resolve("qmp.sock"))) {
      RaidvmException e = assertThrows(RaidvmException.class, () -> HotPlug.attach(qmp,
          new DataDisk("d3", CAPTURED.resolve("d3.qcow2"))));
      assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
      assertEquals("cannot attach disk 'd3' (/tmp/raidvm-qmp-capture/disks/d3.qcow2): QEMU"
          + " refused the command: GenericError: Failed to get \"write\" lock", e.getMessage());
      qmp.close();
      assertEquals("", qemu.awaitEnd());
      assertEquals(List.of("qmp_capabilities", "query-block", "query-named-block-nodes",
          "blockdev-add", "blockdev-add", "blockdev-del"), qemu.received());
    }
  }

  @Test
  void detach_removesTheDevice_waitsForDeviceDeleted_thenItsNodes() throws Exception {
    played(play("hotplug/detach-d2.qmp"), qmp -> assertTrue(HotPlug.detach(qmp, "d2")));
  }

  @Test
  void detach_whenDeviceDeletedNeverComes_failsWithDeadlineExceeded_andKeepsTheNodes()
      throws Exception {
    List<String> noEvent = QmpTranscript.lines("hotplug/detach-d2.qmp").stream()
        .filter(l -> !l.contains("DEVICE_DELETED")).toList();
    try (QmpTranscript qemu = QmpTranscript.serve(noEvent, dir.resolve("qmp.sock"));
        QmpClient qmp = QmpClient.connect(dir.resolve("qmp.sock"))) {
      RaidvmException e = assertThrows(RaidvmException.class,
          () -> HotPlug.detach(qmp, "d2", Duration.ofMillis(200)));
      assertEquals(RaidvmException.Kind.DEADLINE_EXCEEDED, e.kind());
      assertTrue(e.getMessage().contains("DEVICE_DELETED of disk-d2"), e.getMessage());
      qmp.close();
      assertTrue(qemu.awaitEnd().startsWith("the client hung up before > "
          + "{\"execute\":\"blockdev-del\""));
      assertEquals(List.of("qmp_capabilities", "query-block", "device_del"), qemu.received());
    }
  }

  @Test
  void detach_ofADiskQemuDoesNotHave_sendsNothingButTheQuery() throws Exception {
    List<String> queryOnly = QmpTranscript.lines("hotplug/detach-d2.qmp").subList(0, 5);
    played(QmpTranscript.serve(queryOnly, dir.resolve("qmp.sock")),
        qmp -> assertFalse(HotPlug.detach(qmp, "d9")));
  }

  @Test
  void qemusErrorReplies_becomeFailedPreconditionWithQemusWords() throws Exception {
    played(play("hotplug/errors.qmp"), qmp -> {
      DiskDevice d2 = DiskDevice.data(2, new DataDisk("d2", CAPTURED.resolve("d2.qcow2")));
      DiskDevice again = DiskDevice.data(3, new DataDisk("d2", CAPTURED.resolve("d2.qcow2")));
      List<String> said = List.of(
          refusal(() -> qmp.execute("blockdev-add", d2.fileBlockdev(), Duration.ofSeconds(5))),
          refusal(() -> qmp.execute("device_add", again.device().put("drive", "d2"),
              Duration.ofSeconds(5))),
          refusal(() -> qmp.execute("device_del", json("{\"id\":\"disk-nothing\"}"),
              Duration.ofSeconds(5))),
          refusal(() -> qmp.execute("blockdev-del", json("{\"node-name\":\"nothing\"}"),
              Duration.ofSeconds(5))));
      assertEquals(List.of(
          "QEMU refused the command: GenericError: Duplicate nodes with node-name='d2-file'",
          "QEMU refused the command: GenericError: Duplicate device ID 'disk-d2'",
          "QEMU refused the command: DeviceNotFound: Device 'disk-nothing' not found",
          "QEMU refused the command: GenericError: Failed to find node with"
              + " node-name='nothing'"), said);
    });
  }

  @Test
  void queryReplies_tellEachDevicesNode_andEveryNodeName() throws Exception {
    JsonNode blocks = QmpTranscript.reply("hotplug/detach-d2.qmp", 2);
    assertEquals(Optional.of("d2"), HotPlug.nodeOfDevice(blocks, "disk-d2"));
    assertEquals(Optional.of("os"), HotPlug.nodeOfDevice(blocks, "disk-os"));
    assertEquals(Optional.empty(), HotPlug.nodeOfDevice(blocks, "disk-d3"));
    assertEquals(Set.of("os", "os-file", "d1", "d1-file"),
        HotPlug.nodeNames(QmpTranscript.reply("hotplug/attach-d2.qmp", 3)));
  }

  @Test
  void freeSlot_isTheFirstWhoseNodesAreNotThere_afterADetachTheGap() {
    assertEquals(1, HotPlug.freeSlot(Set.of("os", "os-file"), "x"));
    assertEquals(2, HotPlug.freeSlot(Set.of("os", "os-file", "d1", "d1-file", "d3", "d3-file"),
        "x"));
    // A file node left behind (an attach cut short) keeps its slot taken too.
    assertEquals(3, HotPlug.freeSlot(Set.of("d1", "d1-file", "d2-file"), "x"));
  }

  @Test
  void freeSlot_whenEveryScsiTargetIsTaken_failsWithFailedPrecondition() {
    Set<String> all = new java.util.HashSet<>();
    for (int slot = 1; slot <= DiskDevice.MAX_SCSI_ID; slot++) {
      all.add("d" + slot);
    }
    RaidvmException e = assertThrows(RaidvmException.class, () -> HotPlug.freeSlot(all, "x9"));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("cannot attach disk 'x9': all 255 SCSI targets of the VM are taken",
        e.getMessage());
  }

  private static String refusal(org.junit.jupiter.api.function.Executable call) {
    RaidvmException e = assertThrows(RaidvmException.class, call);
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    return e.getMessage();
  }

  private static JsonNode json(String text) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
  }
}
