package io.raidvm.controller.vm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * One disk as QEMU gets it: a {@code file} node {@code <node>-file} under a {@code qcow2} node
 * {@code <node>}, and a scsi-hd on the virtio-scsi bus at {@code scsiId} with id
 * {@code disk-<serial>} and the serial the guest sees. The one description of that layout: it
 * renders both the launch's {@code -blockdev}/{@code -device} options ({@link #argv}) and the
 * arguments of QMP's {@code blockdev-add} and {@code device_add} (the same JSON objects), so a
 * hot-plugged disk is laid out exactly as one given at launch. Pure.
 *
 * <p>Node names are short ids ("os", "d1", "d2", ...) because QEMU limits them to 31
 * characters; a data disk's node number is its scsi-id, so the nodes QEMU has tell which
 * scsi-ids are taken ({@link HotPlug}).
 */
public record DiskDevice(String node, Path file, int scsiId, String serial, boolean boot) {

  /** The virtio-scsi controller every VM has, and its bus. */
  static final String CONTROLLER_ID = "scsi0";
  static final String BUS = CONTROLLER_ID + ".0";
  /** The OS disk's serial, node name and (in {@code disk-os}) device id. */
  public static final String OS = "os";
  /** virtio-scsi's highest target id. */
  static final int MAX_SCSI_ID = 255;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The OS disk: scsi-id 0, serial "os", the boot disk. */
  static DiskDevice os(Path file) {
    return new DiskDevice(OS, file, 0, OS, true);
  }

  /** A data disk in {@code slot} (1 and up): node {@code d<slot>}, scsi-id {@code slot}. */
  static DiskDevice data(int slot, DataDisk disk) {
    if (slot < 1 || slot > MAX_SCSI_ID) {
      throw new IllegalArgumentException("data disk slot " + slot + " is not in 1.."
          + MAX_SCSI_ID);
    }
    return new DiskDevice(nodeOf(slot), disk.path(), slot, disk.name(), false);
  }

  /** The node name of a data disk in {@code slot}. */
  static String nodeOf(int slot) {
    return "d" + slot;
  }

  /** The QEMU device id, "disk-" and the serial (QMP's DEVICE_DELETED names it). */
  public String id() {
    return idOf(serial);
  }

  /** The device id of the disk whose serial is {@code serial}. */
  static String idOf(String serial) {
    return "disk-" + serial;
  }

  String fileNode() {
    return fileNodeOf(node);
  }

  static String fileNodeOf(String node) {
    return node + "-file";
  }

  /** The protocol node: {@code -blockdev} at launch, {@code blockdev-add}'s arguments. */
  ObjectNode fileBlockdev() {
    return JSON.createObjectNode().put("driver", "file").put("filename", file.toString())
        .put("node-name", fileNode());
  }

  /** The format node on top of {@link #fileBlockdev}. */
  ObjectNode formatBlockdev() {
    return JSON.createObjectNode().put("driver", "qcow2").put("file", fileNode())
        .put("node-name", node);
  }

  /** The scsi-hd: {@code -device} at launch, {@code device_add}'s arguments. */
  ObjectNode device() {
    ObjectNode device = JSON.createObjectNode().put("driver", "scsi-hd").put("bus", BUS)
        .put("channel", 0).put("scsi-id", scsiId).put("lun", 0).put("drive", node)
        .put("id", id()).put("serial", serial);
    if (boot) {
      device.put("bootindex", 0);
    }
    return device;
  }

  /** QEMU's launch options for this disk: two {@code -blockdev} and one {@code -device}. */
  List<String> argv() {
    return List.of("-blockdev", fileBlockdev().toString(), "-blockdev",
        formatBlockdev().toString(), "-device", device().toString());
  }
}
