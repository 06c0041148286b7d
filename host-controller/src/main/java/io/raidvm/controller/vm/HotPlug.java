package io.raidvm.controller.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.controller.qmp.QmpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A data disk into or out of a running QEMU over QMP, laid out by {@link DiskDevice} exactly as
 * the launch lays it out. Attach: {@code query-block} (is it there already?),
 * {@code query-named-block-nodes} (which slots are taken), two {@code blockdev-add} (file, then
 * qcow2), {@code device_add}; what was added is removed again when a later step fails. Detach:
 * {@code query-block} (its node), {@code device_del}, QEMU's {@code DEVICE_DELETED}, then
 * {@code blockdev-del} of both nodes. What QEMU has is read from QEMU each time, never
 * remembered, so a controller that re-attached to a QEMU started by another one (whose disks
 * may have come and gone since) sees the same. The sequences are checked against transcripts of
 * a real QEMU (fixtures/qmp/hotplug).
 */
final class HotPlug {

  private static final Logger LOG = Logger.getLogger(HotPlug.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  /**
   * How long QEMU may take to report a removed device. A SCSI disk leaves virtio-scsi without
   * the guest's help (measured: DEVICE_DELETED right after device_del's reply, no guest).
   */
  static final Duration UNPLUG_TIMEOUT = Duration.ofSeconds(30);

  private HotPlug() {}

  /**
   * Plugs {@code disk} into the running QEMU in the first free slot. A device of that disk's id
   * that QEMU has already (an attach whose spec was not written) is taken as it is.
   *
   * @throws RaidvmException FAILED_PRECONDITION with QEMU's words when QEMU refuses a step
   *     (after removing what this attach added), or when every scsi-id is taken
   */
  static DiskDevice attach(QmpClient qmp, DataDisk disk) {
    String id = DiskDevice.idOf(disk.name());
    Optional<String> present = nodeOfDevice(qmp.execute("query-block", null, COMMAND_TIMEOUT),
        id);
    if (present.isPresent()) {
      LOG.info(() -> "QEMU has " + id + " already (node " + present.get() + "): taken as it is");
      return new DiskDevice(present.get(), disk.path(), slotOf(present.get()), disk.name(),
          false);
    }
    Set<String> nodes = nodeNames(qmp.execute("query-named-block-nodes",
        JSON.createObjectNode().put("flat", true), COMMAND_TIMEOUT));
    DiskDevice device = DiskDevice.data(freeSlot(nodes, disk.name()), disk);
    List<String> added = new ArrayList<>();
    try {
      qmp.execute("blockdev-add", device.fileBlockdev(), COMMAND_TIMEOUT);
      added.add(device.fileNode());
      qmp.execute("blockdev-add", device.formatBlockdev(), COMMAND_TIMEOUT);
      added.add(0, device.node());
      qmp.execute("device_add", device.device(), COMMAND_TIMEOUT);
    } catch (RaidvmException e) {
      String undone = remove(qmp, added);
      throw new RaidvmException(e.kind(), String.format("cannot attach disk '%s' (%s): %s%s",
          disk.name(), disk.path(), e.getMessage(), undone), e);
    }
    return device;
  }

  /**
   * Pulls the disk whose serial is {@code serial} out of the running QEMU and closes its nodes.
   * Returns false when QEMU has no such device (nothing to do).
   *
   * @throws RaidvmException DEADLINE_EXCEEDED when QEMU does not report the device gone within
   *     {@link #UNPLUG_TIMEOUT}; FAILED_PRECONDITION with QEMU's words when it refuses
   */
  static boolean detach(QmpClient qmp, String serial) {
    return detach(qmp, serial, UNPLUG_TIMEOUT);
  }

  /** {@link #detach(QmpClient, String)}, waiting {@code unplugTimeout} for DEVICE_DELETED. */
  static boolean detach(QmpClient qmp, String serial, Duration unplugTimeout) {
    String id = DiskDevice.idOf(serial);
    Optional<String> node = nodeOfDevice(qmp.execute("query-block", null, COMMAND_TIMEOUT), id);
    if (node.isEmpty()) {
      return false;
    }
    qmp.executeAndAwait("device_del", JSON.createObjectNode().put("id", id), COMMAND_TIMEOUT,
        event -> event.name().equals("DEVICE_DELETED")
            && event.data().path("device").asText().equals(id),
        "QEMU's DEVICE_DELETED of " + id, unplugTimeout);
    String left = remove(qmp, List.of(node.get(), DiskDevice.fileNodeOf(node.get())));
    if (!left.isEmpty()) {
      LOG.warning(() -> "disk " + serial + " left the VM" + left);
    }
    return true;
  }

  /**
   * Removes block nodes in order (a format node before its file node); says what could not be
   * removed, or nothing.
   */
  private static String remove(QmpClient qmp, List<String> nodes) {
    List<String> failed = new ArrayList<>();
    for (String node : nodes) {
      try {
        qmp.execute("blockdev-del", JSON.createObjectNode().put("node-name", node),
            COMMAND_TIMEOUT);
      } catch (RaidvmException e) {
        failed.add(node + " (" + e.getMessage() + ")");
      }
    }
    return failed.isEmpty() ? "" : "; QEMU still has the block node(s) " + String.join(", ",
        failed) + " open: they go when the VM stops";
  }

  /** The format node of the device {@code id} in a {@code query-block} reply. Pure. */
  static Optional<String> nodeOfDevice(JsonNode queryBlock, String id) {
    for (JsonNode block : queryBlock) {
      if (block.path("qdev").asText().equals(id)) {
        String node = block.path("inserted").path("node-name").asText();
        return node.isEmpty() ? Optional.empty() : Optional.of(node);
      }
    }
    return Optional.empty();
  }

  /** Every node name in a {@code query-named-block-nodes} (flat) reply. Pure. */
  static Set<String> nodeNames(JsonNode namedNodes) {
    Set<String> names = new HashSet<>();
    namedNodes.forEach(n -> names.add(n.path("node-name").asText()));
    return names;
  }

  /**
   * The first data disk slot whose nodes QEMU does not have: slot N is node {@code dN} at
   * scsi-id N, so a taken node is a taken scsi-id. Pure.
   */
  static int freeSlot(Set<String> nodes, String disk) {
    for (int slot = 1; slot <= DiskDevice.MAX_SCSI_ID; slot++) {
      String node = DiskDevice.nodeOf(slot);
      if (!nodes.contains(node) && !nodes.contains(DiskDevice.fileNodeOf(node))) {
        return slot;
      }
    }
    throw RaidvmException.failedPrecondition("cannot attach disk '%s': all %d SCSI targets of"
        + " the VM are taken", disk, DiskDevice.MAX_SCSI_ID);
  }

  /** The slot of a data disk node "dN"; 0 for a node of another name. */
  private static int slotOf(String node) {
    try {
      return node.matches("d[0-9]+") ? Integer.parseInt(node.substring(1)) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
